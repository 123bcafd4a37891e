// Physical names derived in one place from logical catalog names.

/** Bucket names are global, so they carry the project id. */
export function bucketName(project: string, logical: string): string {
  return `${project}-${logical}`;
}

export function topicPath(project: string, topic: string): string {
  return `projects/${project}/topics/${topic}`;
}

/** `dataset.table` reference as the catalog's access lists write it. */
export function tableRef(dataset: string, table: string): string {
  return `${dataset}.${table}`;
}

export function splitTableRef(ref: string): { dataset: string; table: string } {
  const [dataset = '', table = ''] = ref.split('.');
  return { dataset, table };
}
