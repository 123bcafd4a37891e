// What handlers share: the store, resumable sessions, the notifier and a logger.
import { type Logger } from '../lib/logger';
import { type Notifier } from './notifications';
import { type ObjectStore } from './object-store';
import { type ResumableSessions } from './resumable';

export interface Services {
  store: ObjectStore;
  sessions: ResumableSessions;
  notifier: Notifier;
  log: Logger;
}
