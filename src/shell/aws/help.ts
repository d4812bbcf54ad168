// `aws help`, `aws <service> help`, `aws <service> <operation> help`: short synopses built
// from the model (the real CLI opens a man page; this is the part a learner needs).

import { CONFIGURE_COMMANDS, getService, MODELLED_SERVICES, S3_COMMANDS, type CliArg, type Shape } from '../../model/index.js';

function typeHint(a: CliArg): string {
  if (a.nargs === 'flag') return '';
  if (a.choices) return ` <${a.choices.join('|')}>`;
  if (!a.shape) return a.paging === 'starting-token' ? ' <value>' : ' <integer>';
  return ` ${shapeHint(a.shape, a.nargs === 'list')}`;
}

function shapeHint(s: Shape, list: boolean): string {
  switch (s.type) {
    case 'list': {
      const m = s.member!;
      if (m.type === 'structure') return `${structHint(m)} ...`;
      return `<${m.type}> <${m.type}> ...`;
    }
    case 'structure':
      return structHint(s);
    case 'map':
      return 'KeyName1=string,KeyName2=string';
    default:
      return list ? `<${s.type}> ...` : `<${s.type}>`;
  }
}

function structHint(s: Shape): string {
  const parts = Object.entries(s.members ?? {})
    .slice(0, 4)
    .map(([k, v]) => `${k}=${v.type === 'list' ? `${v.member!.type},${v.member!.type}` : v.type === 'structure' || v.type === 'map' ? '{...}' : v.type}`);
  return parts.join(',') + (Object.keys(s.members ?? {}).length > 4 ? ',...' : '');
}

export function awsHelp(path: string[]): string {
  const [service, operation] = path;
  if (!service) {
    return [
      'aws [options] <command> <subcommand> [parameters]',
      '',
      'The simulated account answers these commands:',
      ...MODELLED_SERVICES.map((s) => `  aws ${s} <operation> ...        (aws ${s} help lists them)`),
      '  aws s3 ls|mb|rb|cp|rm ...',
      '  aws configure [set|get|list|list-profiles]',
      '',
      'Global options: --output json|text|table|yaml, --query <JMESPath>, --profile <name>,',
      '  --region <region>, --no-paginate, --no-cli-pager, --no-sign-request, --debug',
      '',
    ].join('\n');
  }
  if (service === 'configure') return CONFIGURE_COMMANDS.map((c) => `aws configure ${c.name} ${c.usage}\n    ${c.summary}`).join('\n') + '\n';
  if (service === 's3') return S3_COMMANDS.map((c) => `aws s3 ${c.name} ${c.usage}\n    ${c.summary}`).join('\n') + '\n';
  const svc = getService(service);
  if (!svc) return `aws ${service}: not simulated\n`;
  if (!operation) {
    return [`aws ${service} <operation> [parameters]`, '', 'Operations the simulated account implements:', ...[...svc.operations.keys()].sort().map((o) => `  ${o}`), ''].join('\n');
  }
  const op = svc.operations.get(operation);
  if (!op) return `aws ${service} ${operation}: not simulated\n`;
  const lines = [`NAME`, `       ${operation} — ${svc.service.toUpperCase()} ${op.name}`, '', 'SYNOPSIS', `            ${operation}`];
  const seen = new Set<string>();
  for (const a of op.args.values()) {
    if (a.undocumented) continue;
    if (a.nargs === 'flag' && a.member) {
      if (seen.has(a.member)) continue;
      seen.add(a.member);
      const pos = [...op.args.values()].find((x) => x.member === a.member && x.flagValue === true)!;
      lines.push(`          [--${pos.name} | --no-${pos.name}]`);
      continue;
    }
    if (a.positional) {
      lines.push(`          <${a.name}>`);
      continue;
    }
    const opt = `--${a.name}${typeHint(a)}`;
    lines.push(a.required ? `          ${opt}` : `          [${opt}]`);
  }
  if (!op.args.has('outfile')) lines.push('          [--cli-input-json <value> | --cli-input-yaml <value>]', '          [--generate-cli-skeleton <input|output|yaml-input>]');
  lines.push('');
  return lines.join('\n');
}
