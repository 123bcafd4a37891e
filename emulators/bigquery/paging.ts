// Offset-based page tokens for list calls (opaque to clients, as BigQuery's are).
export function page<T>(items: T[], maxResults: string | null | undefined, pageToken: string | null | undefined): { items: T[]; nextPageToken?: string } {
  const start = pageToken ? Number(Buffer.from(pageToken, 'base64url').toString('utf8')) || 0 : 0;
  const max = maxResults ? Math.max(0, Number(maxResults)) : items.length;
  const end = Math.min(items.length, start + max);
  const next = end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined;
  return { items: items.slice(start, end), ...(next ? { nextPageToken: next } : {}) };
}

export function decodeOffset(pageToken: string | null | undefined): number {
  return pageToken ? Number(Buffer.from(pageToken, 'base64url').toString('utf8')) || 0 : 0;
}

export function encodeOffset(offset: number): string {
  return Buffer.from(String(offset)).toString('base64url');
}
