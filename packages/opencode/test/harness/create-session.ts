import type { OpencodeClient, Session } from "@opencode-ai/sdk";

/**
 * Creates a session with a title. Giving a title matters: an untitled session makes OpenCode send an extra
 * title-generation request to the (small) model, which would disturb scripted request sequences.
 */
export async function createSession(client: OpencodeClient, title: string): Promise<Session> {
  const result = await client.session.create({ body: { title } });
  if (!result.data) {
    throw new Error(`POST /session failed (${result.response.status}): ${JSON.stringify(result.error)}`);
  }
  return result.data;
}
