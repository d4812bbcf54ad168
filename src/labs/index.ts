// Labs: the lab format, loading, progress and lab sessions (see notes/labs-api.md).
export { openLab, LabSession, LabNotReadyError, type OpenLabOptions, type LabRunResult, type HintReveal, type LabStatus } from './session.js';
export { loadLabs, loadLab, loadLabFile, parseLab, labIds, defaultLabsDir, LabLoadError, LabNotFoundError, type LoadedLabs, type LabProblem } from './loader.js';
export type { Lab, LabFile, Step, Hint, Solution, Question, Diagnose, WorldSpec } from './schema.js';
export { LabFileSchema } from './schema.js';
export { ProgressStore, homeFromEnv, progressSummary, type LabProgress, type StepProgress } from './progress.js';
export { buildWorld, LabSetupError } from './world-build.js';
export { formatStepCheck, formatStatus, reflow } from './shell-commands.js';
export { labJsonSchema } from './json-schema.js';
