import type { Database, Queryable } from '../db/port';
import { enqueuePlaybookRun } from '../loop/run-playbook';
import { emitResponsesCreated } from '../webhooks/response-events';
import { type InsertedResponse, insertResponses, type NewResponse } from './responses';

/**
 * Stores a batch and, in the same transaction, the `response.created` webhook deliveries of the
 * responses that are new and ONE `run-playbook` job for them: a committed response always has its
 * deliveries and its playbook run (none lost). A batch without subscribed endpoints costs one
 * indexed query and one job row more.
 */
function insertAndEmit(db: Database, items: readonly NewResponse[], now: Date): Promise<InsertedResponse[]> {
  return db.transaction(async (tx: Queryable) => {
    const results = await insertResponses(tx, items);
    const created = results.flatMap((r, i) =>
      r.inserted ? [{ workspaceId: items[i]!.workspace_id, id: r.id }] : [],
    );
    await emitResponsesCreated(tx, created, now);
    await enqueuePlaybookRun(
      tx,
      created.map((c) => c.id),
      now,
    );
    return results;
  });
}

interface Pending {
  item: NewResponse;
  resolve: (value: InsertedResponse) => void;
  reject: (error: unknown) => void;
}

export interface WriterOptions {
  /** Most responses in one statement. */
  maxBatch: number;
  /** Statements in flight at once. */
  concurrency: number;
  /** How long a write waits for more responses to join it; 0 writes at once. */
  lingerMs: number;
}

/**
 * PostgreSQL runs in its own processes: three writes in flight keep it busy while requests queue
 * up for the next. PGlite runs on this thread and blocks it while it writes, so requests are only
 * read between writes; without a short pause every batch held one response (about 200/s).
 */
export function defaultWriterOptions(kind: Database['kind']): WriterOptions {
  return kind === 'pglite'
    ? { maxBatch: 1000, concurrency: 1, lingerMs: 2 }
    : { maxBatch: 1000, concurrency: 3, lingerMs: 0 };
}

/**
 * Group commit for incoming responses. Requests wait here while a write is in flight; the next
 * write takes everything that arrived meanwhile as one multi-row statement. A response is
 * acknowledged only after its statement committed, yet the database sees a few large commits
 * per second instead of one per request. Under light load a batch is a single response, so
 * latency stays at one round trip (plus `lingerMs` on PGlite).
 */
export class ResponseWriter {
  private queue: Pending[] = [];
  private inFlight = 0;
  private lingering: NodeJS.Timeout | undefined;
  /**
   * Called after each committed batch: the server points it at its job worker's `wake()`, so the
   * batch's playbook run starts at once instead of after an idle worker's next poll (up to 2 s).
   */
  onCommitted: (() => void) | undefined;

  constructor(
    private readonly db: Database,
    private readonly options: WriterOptions = defaultWriterOptions(db.kind),
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Resolves once the response is durably stored (or was already, for a duplicate). */
  submit(item: NewResponse): Promise<InsertedResponse> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when everything submitted so far has been written. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight > 0) await new Promise((r) => setTimeout(r, 5));
  }

  /** Writes at once, or after `lingerMs` so that requests still being parsed join the batch. */
  private schedule(): void {
    if (this.options.lingerMs === 0 || this.queue.length >= this.options.maxBatch) {
      this.pump();
      return;
    }
    this.lingering ??= setTimeout(() => {
      this.lingering = undefined;
      this.pump();
    }, this.options.lingerMs);
  }

  private pump(): void {
    while (this.inFlight < this.options.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      this.write(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.schedule();
      });
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      const results = await insertAndEmit(
        this.db,
        batch.map((p) => p.item),
        this.clock(),
      );
      for (const [i, p] of batch.entries()) p.resolve(results[i]!);
      this.onCommitted?.();
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One bad item must not fail its neighbours: write them one by one to isolate it.
      for (const p of batch) {
        try {
          const [result] = await insertAndEmit(this.db, [p.item], this.clock());
          p.resolve(result!);
        } catch (itemError) {
          p.reject(itemError);
        }
      }
    }
  }
}
