// The AWS JSON 1.1 protocol (awsJson1_1), for the one JSON service the endpoint answers:
// CloudTrail's LookupEvents (what real-mode checks read; what a learner's `aws cloudtrail
// lookup-events` asks).
//
// Requests: POST /, Content-Type application/x-amz-json-1.1, X-Amz-Target <prefix>.<Operation>
// (SDK v3 sends the short prefix `CloudTrail_20131101`, botocore the long
// `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101`), a JSON object body; timestamps are
// epoch seconds (fractions allowed).
// Answers: 200 with a JSON body (timestamps as epoch seconds); errors with the HTTP status, the
// code in the body's `__type` and the text in `message`.
// Only the shapes of the declared operations are decoded and encoded (declared here, not generated:
// one operation, a handful of members).

export type JsonService = 'cloudtrail';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

type Member =
  | { t: 'string' | 'integer' | 'boolean' | 'timestamp' }
  | { t: 'list'; of: Member }
  | { t: 'structure'; members: Record<string, Member> };

const S: Member = { t: 'string' };
const TS: Member = { t: 'timestamp' };
const INT: Member = { t: 'integer' };

interface JsonOperation {
  input: Record<string, Member>;
  output: Record<string, Member>;
}

/** The declared operations per service, with their target prefixes (API reference, LookupEvents and Event). */
const SERVICES: Record<JsonService, { prefixes: string[]; operations: Record<string, JsonOperation> }> = {
  cloudtrail: {
    prefixes: ['CloudTrail_20131101', 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101'],
    operations: {
      LookupEvents: {
        input: {
          LookupAttributes: { t: 'list', of: { t: 'structure', members: { AttributeKey: S, AttributeValue: S } } },
          StartTime: TS,
          EndTime: TS,
          EventCategory: S,
          MaxResults: INT,
          NextToken: S,
        },
        output: {
          Events: {
            t: 'list',
            of: {
              t: 'structure',
              members: {
                EventId: S,
                EventName: S,
                ReadOnly: S,
                AccessKeyId: S,
                EventTime: TS,
                EventSource: S,
                Username: S,
                Resources: { t: 'list', of: { t: 'structure', members: { ResourceType: S, ResourceName: S } } },
                CloudTrailEvent: S,
              },
            },
          },
          NextToken: S,
        },
      },
    },
  },
};

/** A request the JSON protocol refuses, with the code and status AWS's JSON services answer. */
export class JsonProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** The operation an X-Amz-Target names, or a JsonProtocolError. */
export function targetOperation(service: JsonService, target: string | undefined): string {
  if (!target) throw new JsonProtocolError('UnknownOperationException', 'Missing X-Amz-Target header: this endpoint speaks the AWS JSON 1.1 protocol for ' + service + '.');
  const dot = target.lastIndexOf('.');
  const prefix = dot < 0 ? '' : target.slice(0, dot);
  const op = dot < 0 ? target : target.slice(dot + 1);
  const svc = SERVICES[service];
  if (!svc.prefixes.includes(prefix) || !Object.prototype.hasOwnProperty.call(svc.operations, op)) {
    throw new JsonProtocolError('UnknownOperationException', `iamlab serve answers ${Object.keys(svc.operations).join(', ')} for ${service}, not ${target}.`);
  }
  return op;
}

function decodeValue(m: Member, v: unknown, path: string): unknown {
  if (v === null || v === undefined) return undefined;
  const bad = (what: string) => new JsonProtocolError('SerializationException', `${path}: expected ${what}, got ${JSON.stringify(v)}`);
  switch (m.t) {
    case 'string':
      if (typeof v !== 'string') throw bad('a string');
      return v;
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) throw bad('an integer');
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw bad('a boolean');
      return v;
    case 'timestamp': {
      // epoch seconds as the SDKs send them; ISO text is accepted too
      const d = typeof v === 'number' ? new Date(Math.round(v * 1000)) : typeof v === 'string' ? new Date(v) : undefined;
      if (!d || Number.isNaN(d.getTime())) throw bad('a timestamp (epoch seconds)');
      return d;
    }
    case 'list':
      if (!Array.isArray(v)) throw bad('a list');
      return v.map((x, i) => decodeValue(m.of, x, `${path}[${i}]`));
    case 'structure': {
      if (typeof v !== 'object' || Array.isArray(v)) throw bad('an object');
      const out: Record<string, unknown> = {};
      for (const [k, mm] of Object.entries(m.members)) {
        const x = decodeValue(mm, (v as Record<string, unknown>)[k], `${path}.${k}`);
        if (x !== undefined) out[k] = x;
      }
      return out;
    }
  }
}

/** The body of a request, decoded into the operation's input (members the operation does not have are dropped). */
export function decodeJsonInput(service: JsonService, operation: string, body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8').trim();
  if (!text) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new JsonProtocolError('SerializationException', `The request body is not valid JSON: ${(e as Error).message}`);
  }
  const op = SERVICES[service].operations[operation]!;
  return decodeValue({ t: 'structure', members: op.input }, v, operation + 'Request') as Record<string, unknown>;
}

function encodeValue(m: Member, v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  switch (m.t) {
    case 'timestamp': {
      const d = v instanceof Date ? v : new Date(String(v));
      return d.getTime() / 1000;
    }
    case 'list':
      return Array.isArray(v) ? v.map((x) => encodeValue(m.of, x)) : undefined;
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [k, mm] of Object.entries(m.members)) {
        const x = encodeValue(mm, (v as Record<string, unknown>)[k]);
        if (x !== undefined) out[k] = x;
      }
      return out;
    }
    default:
      return v;
  }
}

/** An operation's output as the JSON body AWS sends (declared members only, in declared order). */
export function encodeJsonOutput(service: JsonService, operation: string, output: Record<string, unknown>): string {
  const op = SERVICES[service].operations[operation]!;
  return JSON.stringify(encodeValue({ t: 'structure', members: op.output }, output));
}

/** An error body: the code in `__type`, the text in `message`. */
export function encodeJsonError(code: string, message: string): string {
  return JSON.stringify({ __type: code, message });
}
