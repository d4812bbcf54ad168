// Placeholder until this command lands; replaced by its own issue's work.
export async function appCommand(_opts: Record<string, unknown>): Promise<number> {
  process.stderr.write('iamlab: this command is not available yet.\n');
  return 2;
}
