export async function broken(): Promise<void> { throw new Error('boom in workflow'); }
