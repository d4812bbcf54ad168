// Checks: the declarative vocabulary, its evaluator, and the backend interface (see notes/labs-api.md).
export type * from './types.js';
export { CheckSchema, CHECK_KINDS, LEAF_KINDS, checkKind, type CheckSpec, type CheckKind } from './spec.js';
export { evaluateCheck, colourName, type CheckContext } from './evaluate.js';
export { checkStepSpec, stepCheckSpec, type StepCheck, type StepLike } from './step.js';
export { SimCheckBackend, type SimCheckBackendOptions, type ShellStateLike } from './sim-backend.js';
export { resolvePrincipal, callerMatches, describeArn, shortArn, editDistance, closestName, type PrincipalPattern } from './principals.js';
export { fillTemplate, TEMPLATE_VARS } from './template.js';
