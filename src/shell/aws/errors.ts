// How the AWS CLI v2 reports failures, and with which exit status (awscli/constants.py):
// 252 parameter/usage errors, 253 configuration (no credentials, no region), 254 service
// errors, 255 anything else. Since 2.34 every message starts with "aws: [ERROR]: " and the
// default ("enhanced") error format writes "An error occurred (<Code>): …" for the CLI's own
// errors; --cli-error-format json|yaml|text|table prints the error as a document instead.

import { formatJson, formatTable, formatText, formatYaml } from '../format.js';

export const PARAM_VALIDATION_ERROR_RC = 252;
export const CONFIGURATION_ERROR_RC = 253;
export const CLIENT_ERROR_RC = 254;
export const GENERAL_ERROR_RC = 255;

export const HELP_BLURB = 'To see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n';
export const USAGE = `aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n${HELP_BLURB}`;
/** argparse's format_usage() for the CLI's parsers */
export const USAGE_MESSAGE = `usage: ${USAGE}`;

export type ErrorKind = 'ParamValidation' | 'UnknownArgument' | 'Client' | 'NoCredentials' | 'NoRegion' | 'Configuration' | 'General';

/** A failure of an `aws` command, printed as the CLI prints it. */
export class CliError extends Error {
  /** iamlab's own explanation, printed after the CLI's message */
  hint?: string;
  /** for MalformedPolicyDocument: where the service found the problem */
  position?: { line: number; column: number };
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** for service errors: the AWS error code */
    readonly code?: string,
    /** for service errors: the message AWS sent */
    readonly awsMessage?: string,
  ) {
    super(message);
  }

  get exitCode(): number {
    switch (this.kind) {
      case 'ParamValidation':
      case 'UnknownArgument':
        return PARAM_VALIDATION_ERROR_RC;
      case 'Client':
        return CLIENT_ERROR_RC;
      case 'NoCredentials':
      case 'NoRegion':
      case 'Configuration':
        return CONFIGURATION_ERROR_RC;
      default:
        return GENERAL_ERROR_RC;
    }
  }
}

/** argparse error: message + usage. */
export function argParseError(message: string): CliError {
  return new CliError('ParamValidation', `${message}\n\n${USAGE_MESSAGE}`);
}

export function paramValidation(message: string): CliError {
  return new CliError('ParamValidation', message);
}

/** awscli.argprocess.ParamError */
export function paramError(cliName: string, message: string): CliError {
  return new CliError('ParamValidation', `Error parsing parameter '${cliName}': ${message}`);
}

/** botocore ClientError */
export function clientError(code: string, message: string, operation: string): CliError {
  return new CliError('Client', `An error occurred (${code || 'Unknown'}) when calling the ${operation} operation: ${message || 'Unknown'}`, code, message);
}

export function generalError(message: string): CliError {
  return new CliError('General', message);
}

/** write_error: "\naws: [ERROR]: <message>\n" */
function writeError(message: string): string {
  const m = message.trim();
  return m ? `\naws: [ERROR]: ${m}\n` : '\naws: [ERROR]:\n';
}

/** The stderr text of a failed `aws` command. */
export async function renderCliError(e: CliError, errorFormat: string | undefined): Promise<string> {
  return (await renderCliErrorOnly(e, errorFormat)) + (e.hint ?? '');
}

async function renderCliErrorOnly(e: CliError, errorFormat: string | undefined): Promise<string> {
  if (e.kind === 'UnknownArgument') return `\nusage: ${USAGE}\n${writeError(e.message)}`;
  if (e.kind === 'General') return writeError(e.message);
  const code = e.kind === 'Client' ? e.code ?? 'Unknown' : e.kind;
  const info: Record<string, unknown> = { Code: code, Message: e.kind === 'Client' ? e.awsMessage ?? '' : e.message };
  const fmt = (errorFormat ?? 'enhanced').toLowerCase();
  switch (fmt) {
    case 'json':
      return formatJson(info);
    case 'yaml':
      return formatYaml(info);
    case 'text':
      return formatText(info);
    case 'table':
      return formatTable('error', info);
    case 'legacy':
      return writeError(e.message);
    default:
      return writeError(e.kind === 'Client' ? e.message : `An error occurred (${code}): ${e.message}`);
  }
}
