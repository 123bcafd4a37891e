// The POS loader's ports for a configuration: the catalog's buckets and datasets, the official clients.
import { BUCKETS, DATASETS, bucketName } from '../../contracts/catalog';
import type { Config } from '../runtime/config';
import { bigqueryClient, storageClient } from '../runtime/clients';
import { gcpPorts } from './gcp-ports';
import type { PosLoaderPorts } from './run';

export function posLoaderPorts(config: Config): PosLoaderPorts {
  return gcpPorts({
    storage: storageClient(config),
    bigquery: bigqueryClient(config),
    project: config.project,
    buckets: { landing: bucketName(config.project, BUCKETS.landing), archive: bucketName(config.project, BUCKETS.archive), quarantine: bucketName(config.project, BUCKETS.quarantine) },
    datasets: { raw: DATASETS.raw, ops: DATASETS.ops },
  });
}
