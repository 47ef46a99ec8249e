export async function loadDemoGrants(): Promise<void> {}
