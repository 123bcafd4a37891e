// What handlers share: the store, resumable sessions, the notifier and a logger.
import { Logger } from '../lib/logger';
import { Notifier } from './notifications';
import { ObjectStore } from './object-store';
import { ResumableSessions } from './resumable';

export interface Services {
  store: ObjectStore;
  sessions: ResumableSessions;
  notifier: Notifier;
  log: Logger;
}
