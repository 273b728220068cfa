import type { PluginInput } from "@opencode-ai/plugin";
import type { PricingPort } from "@pursuit/core";

type ModelRef = { providerID: string; modelID: string };

/**
 * Whether OpenCode knows the price of a session's model (its models.dev data or the `cost` in opencode.json):
 * a dollar limit on a model OpenCode prices at zero could never be enforced, so it is refused. The session's
 * model is the one its latest message used, else OpenCode's configured default.
 */
export function opencodePricing(client: PluginInput["client"], log: (message: string) => void): PricingPort {
  return {
    async unpriced(sessionID) {
      try {
        const model = (await sessionModel(client, sessionID)) ?? (await defaultModel(client));
        if (!model) return "OpenCode names no model for this session";
        const providers = (await client.config.providers()).data?.providers ?? [];
        const info = providers.find((provider) => provider.id === model.providerID)?.models[model.modelID];
        if (info && (info.cost?.input ?? 0) + (info.cost?.output ?? 0) > 0) return undefined;
        return `the model "${model.providerID}/${model.modelID}" has no price in OpenCode; give it under provider.${model.providerID}.models.${model.modelID} in opencode.json: "cost": {"input": 3, "output": 15, "cache_read": 0.3, "cache_write": 3.75} (dollars per million tokens)`;
      } catch (error) {
        // OpenCode could not be asked: the limit is taken, as before prices were checked.
        log(`could not look up the price of ${sessionID}'s model: ${String(error)}`);
        return undefined;
      }
    },
  };
}

async function sessionModel(client: PluginInput["client"], sessionID: string): Promise<ModelRef | undefined> {
  const messages = (await client.session.messages({ path: { id: sessionID } })).data ?? [];
  for (let index = messages.length - 1; index >= 0; index--) {
    const info = messages[index]?.info as Partial<ModelRef> & { model?: Partial<ModelRef> };
    const ref = info.model ?? info;
    if (ref.providerID && ref.modelID) return { providerID: ref.providerID, modelID: ref.modelID };
  }
  return undefined;
}

async function defaultModel(client: PluginInput["client"]): Promise<ModelRef | undefined> {
  const configured = (await client.config.get()).data?.model;
  const slash = configured?.indexOf("/") ?? -1;
  if (!configured || slash <= 0) return undefined;
  return { providerID: configured.slice(0, slash), modelID: configured.slice(slash + 1) };
}
