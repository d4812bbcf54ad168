// The one policy engine: grammar, evaluation, explanations, AWS's messages, action catalogue.
// Pure: no I/O, no world. Callers (the simulated account, checks, real mode) gather the
// policies that apply and pass them in.

export type * from './types.js';
export { parsePolicyText, offsetToPosition, type JsonPath, type Position, type ParseResult } from './json.js';
export { validatePolicy, policySize, type ValidationKind, type ValidateOptions, type ValidateResult } from './validate.js';
export { authorize, buildContext, type AuthorizeOptions, type PrincipalMatch } from './evaluate.js';
export { renderExplanation, awsDeniedMessage, type RenderOptions, type DeniedMessageOptions } from './explain.js';
export { actionMatches, resourceMatches } from './match.js';
export { parseOperator, parseDate, parseCidr, BASE_OPERATORS } from './conditions.js';
export { callerLabel, ownerLabel, policyLabel, resourceLabel } from './summary.js';
export {
  knownActions,
  knownServices,
  actionInfo,
  isWildcardOnly,
  policyAllowsActions,
  catalogSource,
  type ActionInfo,
  type AllowsOptions,
} from './catalog.js';
