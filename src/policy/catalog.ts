// The action catalogue of the services iamlab covers (iam, sts, s3, ec2, account,
// s3-object-lambda), generated from AWS's Service Authorization Reference by
// scripts/gen-action-catalog.mjs. Lets checks quantify: "this policy allows no s3:* action".

import catalog from './data/actions.json' with { type: 'json' };
import { compilePolicy } from './compile.js';
import { globMatch, compileAction, resourcePatternMatches } from './match.js';
import type { PolicyDocument } from './types.js';

interface CatalogAction {
  access: string;
  resources: string[];
  required?: string[];
}
interface CatalogService {
  name: string;
  resourceTypes: Record<string, string>;
  actions: Record<string, CatalogAction>;
}
const services = catalog.services as unknown as Record<string, CatalogService>;

/** Where the catalogue came from: npm package, version, licence. */
export const catalogSource: { package: string; version: string; license: string; updatedAt: string | null } = catalog.source;

export interface ActionInfo {
  /** "s3:ListAllMyBuckets" */
  action: string;
  service: string;
  name: string;
  /** Access level: List, Read, Write, Permissions management, Tagging. */
  access: string;
  /** Resource types the action works on; empty for wildcard-only actions. */
  resources: string[];
  /** ARN templates of those resource types, e.g. "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}". */
  resourceArns: string[];
  /** True when the action has no resource type: only Resource "*" grants it (reference §4.4). */
  wildcardOnly: boolean;
}

const byLower = new Map<string, ActionInfo>();
const all: string[] = [];
for (const [svc, s] of Object.entries(services)) {
  for (const [name, a] of Object.entries(s.actions)) {
    const info: ActionInfo = {
      action: `${svc}:${name}`,
      service: svc,
      name,
      access: a.access,
      resources: a.resources,
      resourceArns: a.resources.map((r) => s.resourceTypes[r]).filter((x): x is string => x !== undefined),
      wildcardOnly: a.resources.length === 0,
    };
    byLower.set(info.action.toLowerCase(), info);
    all.push(info.action);
  }
}
all.sort();

/** Services in the catalogue. */
export function knownServices(): string[] {
  return Object.keys(services).sort();
}

/** All catalogue actions ("service:Name"), optionally of one service; sorted. */
export function knownActions(service?: string): string[] {
  if (service === undefined) return [...all];
  const s = service.toLowerCase();
  return all.filter((a) => a.slice(0, a.indexOf(':')).toLowerCase() === s);
}

/** Catalogue facts about one action (case-insensitive), or undefined if it is not in the catalogue. */
export function actionInfo(action: string): ActionInfo | undefined {
  return byLower.get(action.toLowerCase());
}

/** Is the action wildcard-only (no resource type)? undefined when not in the catalogue. */
export function isWildcardOnly(action: string): boolean | undefined {
  return byLower.get(action.toLowerCase())?.wildcardOnly;
}

export interface AllowsOptions {
  /**
   * false (default): count an Allow only if its Resource covers "*" (all resources).
   * true: count an Allow on any resource (e.g. s3:GetObject on one bucket).
   */
  anyResource?: boolean;
}

/**
 * Catalogue actions matching `pattern` (e.g. "s3:*") that the document allows — on "*" by
 * default. Conditions of Allow statements are not evaluated (a conditional Allow counts: it
 * allows in some context); only unconditional Deny statements on "*" take actions away.
 */
export function policyAllowsActions(doc: PolicyDocument, pattern: string, opts: AllowsOptions = {}): string[] {
  const cp = compilePolicy(doc);
  const pat = compileAction(pattern);
  const out: string[] = [];
  for (const action of all) {
    const act = action.toLowerCase();
    if (!globMatch(pat, act)) continue;
    const svc = act.slice(0, act.indexOf(':'));
    let allowed = false;
    let denied = false;
    for (const cs of cp.statements) {
      let hit = false;
      for (const g of cs.bySvc.get(svc) ?? []) if (globMatch(g, act)) hit = true;
      if (!hit) for (const g of cs.anySvc) if (globMatch(g, act)) hit = true;
      if (cs.notAction ? hit : !hit) continue;
      let onAll = true;
      let anywhere = true;
      if (cs.resources) {
        let rhit = false;
        for (const r of cs.resources) if (resourcePatternMatches(r, '*', undefined, svc, undefined)) rhit = true;
        onAll = cs.notResource ? !rhit : rhit;
        // NotResource ["*"] excludes everything; any other Resource list names something.
        anywhere = !(cs.notResource && cs.resources.some((r) => r.raw === '*'));
      }
      if (cs.effect === 'Deny') {
        if (onAll && cs.conditions.length === 0) denied = true;
      } else if (onAll || (opts.anyResource === true && anywhere)) {
        allowed = true;
      }
    }
    if (allowed && !denied) out.push(action);
  }
  return out;
}
