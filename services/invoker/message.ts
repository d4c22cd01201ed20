/** Validation of the controller's ActivationMessage (POST /activations), with errors naming the bad field. */
import { z } from 'zod';
import type { ActivationMessage } from '../common/types.ts';

const messageSchema = z.object({
  activationId: z.string().min(1),
  transactionId: z.string(),
  action: z.object({
    namespace: z.string().min(1),
    name: z.string().min(1),
    path: z.string().min(1),
    version: z.string(),
    rev: z.string(),
    exec: z.object({
      kind: z.string().min(1),
      code: z.string().optional(),
      main: z.string().optional(),
      binary: z.boolean().optional(),
      image: z.string().optional(),
      components: z.array(z.string()).optional(),
    }),
    limits: z.object({
      timeout: z.number().positive(),
      memory: z.number().positive(),
      logs: z.number().min(0),
      concurrency: z.number().int().positive(),
    }),
  }),
  identity: z.object({ subject: z.string(), namespace: z.string(), uuid: z.string(), key: z.string() }),
  params: z.record(z.string(), z.unknown()).default({}),
  cause: z.string().optional(),
  blocking: z.boolean().default(true),
});

export type MessageParse = { ok: true; message: ActivationMessage } | { ok: false; error: string };

export function parseActivationMessage(body: unknown): MessageParse {
  const parsed = messageSchema.safeParse(body);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    error: `Invalid ActivationMessage at '${issue?.path.join('.')}': ${issue?.message}. See services/common/types.ts.`,
  };
}
