// EC2 (DescribeInstances, DescribeRegions, Start/Stop/TerminateInstances) and the console's
// account page (account:GetAccountInformation).
import type { OpCtx, OpDef } from './ops-common.js';
import { authorize, list, str } from './ops-common.js';
import { awsError } from './errors.js';
import { instanceArn, accountPageArn } from './arn.js';
import type { InstanceState } from './model.js';

const STATE_CODES: Record<string, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };
/** The state a start, stop or terminate reports while it happens. */
const TRANSITION: Record<string, string> = { running: 'pending', stopped: 'stopping', terminated: 'shutting-down' };
const REGIONS = [
  'ap-south-1', 'eu-north-1', 'eu-west-3', 'eu-west-2', 'eu-west-1', 'ap-northeast-3', 'ap-northeast-2', 'ap-northeast-1',
  'ca-central-1', 'sa-east-1', 'ap-southeast-1', 'ap-southeast-2', 'eu-central-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
];

/** An instance with the members the labs use, in the EC2 model's member order. */
function instanceShape(i: InstanceState): Record<string, unknown> {
  return {
    Architecture: 'x86_64',
    RootDeviceName: '/dev/xvda',
    RootDeviceType: 'ebs',
    ...(i.tags.length ? { Tags: i.tags.map((t) => ({ Key: t.Key, Value: t.Value })) } : {}),
    InstanceId: i.instanceId,
    ImageId: i.imageId,
    State: { Code: STATE_CODES[i.state] ?? 16, Name: i.state },
    PrivateDnsName: `ip-${i.privateIp.replace(/\./g, '-')}.ec2.internal`,
    AmiLaunchIndex: 0,
    ProductCodes: [],
    InstanceType: i.instanceType,
    LaunchTime: new Date(i.launchTime),
    Placement: { GroupName: '', Tenancy: 'default', AvailabilityZone: i.availabilityZone },
    Monitoring: { State: 'disabled' },
    PrivateIpAddress: i.privateIp,
  };
}

function matchesFilter(i: InstanceState, name: string, values: string[]): boolean {
  const any = (v: string | undefined) => v !== undefined && values.some((p) => new RegExp('^' + p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$').test(v));
  if (name === 'instance-id') return any(i.instanceId);
  if (name === 'instance-state-name') return any(i.state);
  if (name === 'instance-type') return any(i.instanceType);
  if (name === 'availability-zone') return any(i.availabilityZone);
  if (name.startsWith('tag:')) return any(i.tags.find((t) => t.Key === name.slice(4))?.Value);
  if (name === 'tag-key') return i.tags.some((t) => any(t.Key));
  throw awsError('InvalidParameterValue', 400, `The filter '${name}' is invalid`);
}

const describeInstances: OpDef = {
  run(ctx) {
    ctx.action = 'ec2:DescribeInstances';
    authorize(ctx, 'ec2:DescribeInstances', '*', { context: { 'ec2:Region': ctx.env.region }, deny: { style: 'ec2' } });
    const acct = ctx.actor.account;
    const ids = list<string>(ctx.input, 'InstanceIds').map(String);
    let found = acct.instances.filter((i) => i.region === ctx.env.region);
    if (ids.length) {
      const missing = ids.filter((id) => !found.some((i) => i.instanceId === id));
      if (missing.length) {
        const bad = missing.find((id) => !/^i-[0-9a-f]{8,17}$/.test(id));
        if (bad) throw awsError('InvalidInstanceID.Malformed', 400, `Invalid id: "${bad}"`);
        throw awsError('InvalidInstanceID.NotFound', 400, `The instance ID${missing.length > 1 ? 's' : ''} '${missing.join(', ')}' ${missing.length > 1 ? 'do' : 'does'} not exist`);
      }
      found = found.filter((i) => ids.includes(i.instanceId));
    }
    for (const f of list<Record<string, unknown>>(ctx.input, 'Filters')) {
      const name = String(f?.['Name'] ?? '');
      const values = (Array.isArray(f?.['Values']) ? (f['Values'] as unknown[]) : []).map(String);
      found = found.filter((i) => matchesFilter(i, name, values));
    }
    const byRes = new Map<string, InstanceState[]>();
    for (const i of found) byRes.set(i.reservationId, [...(byRes.get(i.reservationId) ?? []), i]);
    return {
      Reservations: [...byRes.entries()].map(([rid, is]) => ({ ReservationId: rid, OwnerId: acct.id, Groups: [], Instances: is.map(instanceShape) })),
    };
  },
};

const describeRegions: OpDef = {
  run(ctx) {
    ctx.action = 'ec2:DescribeRegions';
    authorize(ctx, 'ec2:DescribeRegions', '*', { deny: { style: 'ec2' } });
    const names = list<string>(ctx.input, 'RegionNames').map(String);
    const rs = (names.length ? REGIONS.filter((r) => names.includes(r)) : REGIONS).map((r) => ({ OptInStatus: 'opt-in-not-required', RegionName: r, Endpoint: `ec2.${r}.amazonaws.com` }));
    return { Regions: rs };
  },
};

function stateChange(action: 'StartInstances' | 'StopInstances' | 'TerminateInstances', to: string): OpDef {
  return {
    run(ctx: OpCtx) {
      ctx.action = `ec2:${action}`;
      const acct = ctx.actor.account;
      const ids = list<string>(ctx.input, 'InstanceIds').map(String);
      if (!ids.length) throw awsError('MissingParameter', 400, "The request must contain the parameter InstanceId");
      const inst = ids.map((id) => {
        const i = acct.instances.find((x) => x.instanceId === id && x.region === ctx.env.region);
        if (!i) throw awsError('InvalidInstanceID.NotFound', 400, `The instance ID '${id}' does not exist`);
        return i;
      });
      for (const i of inst) {
        const arn = instanceArn(ctx.env.region, acct.id, i.instanceId);
        ctx.resources.push(arn);
        authorize(ctx, `ec2:${action}`, arn, { context: { 'ec2:Region': ctx.env.region }, deny: { style: 'ec2', encoded: true } });
      }
      const key = action === 'StartInstances' ? 'StartingInstances' : action === 'StopInstances' ? 'StoppingInstances' : 'TerminatingInstances';
      return {
        [key]: inst.map((i) => {
          const prev = { Code: STATE_CODES[i.state] ?? 16, Name: i.state };
          // AWS answers with the state the instance is moving through (pending, stopping,
          // shutting-down); the simulation arrives at once, so the next describe shows the end state
          const moving = i.state !== to && i.state !== 'terminated';
          if (moving) i.state = to;
          const now = moving ? TRANSITION[to]! : i.state;
          return { InstanceId: i.instanceId, CurrentState: { Code: STATE_CODES[now] ?? 16, Name: now }, PreviousState: prev };
        }),
      };
    },
  };
}

export const EC2_OPS: Record<string, OpDef> = {
  DescribeInstances: describeInstances,
  DescribeRegions: describeRegions,
  StartInstances: stateChange('StartInstances', 'running'),
  StopInstances: stateChange('StopInstances', 'stopped'),
  TerminateInstances: stateChange('TerminateInstances', 'terminated'),
};

const getAccountInformation: OpDef = {
  run(ctx) {
    ctx.action = 'account:GetAccountInformation';
    const acct = ctx.actor.account;
    const target = str(ctx.input, 'AccountId') ?? acct.id;
    const arn = accountPageArn(target);
    ctx.resources.push(arn);
    authorize(ctx, 'account:GetAccountInformation', arn, { deny: { style: 'account' } });
    if (target !== acct.id) throw awsError('AccessDeniedException', 403, 'You can only specify another account ID when you call this operation from the management account of an organization.'); // ⚠ paraphrase
    return { AccountId: acct.id, AccountName: acct.name, AccountCreatedDate: new Date(acct.createdDate), AccountState: 'ACTIVE' };
  },
};

export const ACCOUNT_OPS: Record<string, OpDef> = { GetAccountInformation: getAccountInformation };
