// Endpoint configuration for the real-account mode, with the precedence of the AWS SDKs and
// Tools reference (feature-ss-endpoints), measured in wire-protocols.md §1.6:
//   1. an explicit endpoint (the backend's `endpoint` option)
//   2. AWS_ENDPOINT_URL_<SERVICE>   3. AWS_ENDPOINT_URL
//   4./5. the config file's `services` section / profile `endpoint_url` — left to the SDK, which
//         reads them natively for the profile it is given.
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true disables 2–5.
import type { RealService, SdkService } from './sdk.js';

/** The SDK service id's environment-variable suffix (serviceId upper-cased, spaces as _). */
export const ENV_SUFFIX: Record<SdkService, string> = {
  sts: 'STS',
  iam: 'IAM',
  s3: 'S3',
  ec2: 'EC2',
  cloudtrail: 'CLOUDTRAIL',
};

export function configuredEndpoint(
  service: RealService,
  env: Record<string, string | undefined>,
  explicit?: string,
): string | undefined {
  if (explicit) return explicit;
  if (/^true$/i.test(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '')) return undefined;
  if (service !== 'account') {
    const specific = env[`AWS_ENDPOINT_URL_${ENV_SUFFIX[service]}`];
    if (specific) return specific;
  }
  return env.AWS_ENDPOINT_URL || undefined;
}

/** The URL AWS's own endpoints use when none is configured (for messages only). */
export function defaultEndpoint(service: RealService, region: string): string {
  switch (service) {
    case 'iam':
      return region.startsWith('cn-') ? 'https://iam.cn-north-1.amazonaws.com.cn' : region.startsWith('us-gov-') ? 'https://iam.us-gov.amazonaws.com' : 'https://iam.amazonaws.com';
    case 'sts':
      return `https://sts.${region}.amazonaws.com`;
    case 's3':
      return `https://s3.${region}.amazonaws.com`;
    case 'ec2':
      return `https://ec2.${region}.amazonaws.com`;
    case 'account':
      return 'https://account.us-east-1.amazonaws.com';
    case 'cloudtrail':
      return `https://cloudtrail.${region}.amazonaws.com`;
  }
}
