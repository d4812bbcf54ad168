// Placeholder until labs land; replaced by its own issue's work.
const notYet = async (_o: Record<string, unknown>): Promise<number> => {
  process.stderr.write('iamlab: this command is not available yet.\n');
  return 2;
};
export const labsCommand = notYet;
export const checkCommand = notYet;
export const resetCommand = notYet;
