// The compact form of the service model the shell needs (see data.ts, generated).

export type ScalarType = 'string' | 'integer' | 'long' | 'boolean' | 'timestamp' | 'blob' | 'double' | 'float';

export type ShapeDef =
  | { t: 'structure'; m: Record<string, string>; r?: string[]; min?: number; /** streaming members (S3 Body) */ sm?: string[] }
  | { t: 'list'; m: string; min?: number }
  | { t: 'map'; k: string; v: string; min?: number }
  | {
      t: ScalarType;
      min?: number;
      /** streaming blob (S3 object bodies) */
      st?: 1;
      /** IAM policyDocumentType: the CLI prints it as a JSON document, not a string */
      pd?: 1;
      /** enum values (short enums only), for completion */
      e?: string[];
    };

export interface PaginatorData {
  /** input tokens (Marker, ContinuationToken, NextToken) */
  it: string[];
  /** output tokens */
  ot: string[];
  /** result keys, merged across pages */
  rk: string[];
  /** limit key (MaxItems, MaxKeys, MaxResults) */
  lk?: string;
  /** "more results" flag (IsTruncated) */
  mr?: string;
  /** non-aggregate keys kept from the first page */
  na?: string[];
}

export interface OperationData {
  /** input shape name */
  i?: string;
  /** output shape name */
  o?: string;
  p?: PaginatorData;
}

export interface ServiceData {
  /** the name the CLI uses: s3api for s3 */
  cli: string;
  version: string;
  protocol: string;
  /** the operations the simulated account serves, by API name */
  ops: Record<string, OperationData>;
  shapes: Record<string, ShapeDef>;
  /** every operation of the real service (API names), served or not */
  all: string[];
}
