/** Follows a build/pull/import progress stream to its end; engine errors inside it become a thrown Error. */
import type Dockerode from 'dockerode';

interface ProgressEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** Resolves with the output lines (build steps, pull status); rejects with the engine's error and them. */
export async function followProgress(docker: Dockerode, stream: NodeJS.ReadableStream): Promise<string[]> {
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(err) : resolve()),
      (event: ProgressEvent) => {
        const text = event.stream ?? event.status;
        if (text?.trim()) lines.push(text.trimEnd());
        const failure = event.errorDetail?.message ?? event.error;
        if (failure) reject(Object.assign(new Error(failure), { output: lines }));
      },
    ),
  );
  return lines;
}
