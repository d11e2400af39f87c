import type { Database } from '../db/port';
import { type InsertedResponse, insertResponses, type NewResponse } from './responses';

interface Pending {
  item: NewResponse;
  resolve: (value: InsertedResponse) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for incoming responses. Requests wait here while a write is in flight; the next
 * write takes everything that arrived meanwhile as one multi-row statement. A response is
 * acknowledged only after its statement committed, yet the database sees a few large commits
 * per second instead of one per request. Under light load a batch is a single response, so
 * latency stays at one round trip.
 */
export class ResponseWriter {
  private queue: Pending[] = [];
  private inFlight = 0;

  constructor(
    private readonly db: Database,
    private readonly options: { maxBatch: number; concurrency: number } = {
      maxBatch: 1000,
      concurrency: db.kind === 'pglite' ? 1 : 3,
    },
  ) {}

  /** Resolves once the response is durably stored (or was already, for a duplicate). */
  submit(item: NewResponse): Promise<InsertedResponse> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  /** Resolves when everything submitted so far has been written. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight > 0) await new Promise((r) => setTimeout(r, 5));
  }

  private pump(): void {
    while (this.inFlight < this.options.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      this.write(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      const results = await insertResponses(
        this.db,
        batch.map((p) => p.item),
      );
      for (const [i, p] of batch.entries()) p.resolve(results[i]!);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One bad item must not fail its neighbours: write them one by one to isolate it.
      for (const p of batch) {
        try {
          const [result] = await insertResponses(this.db, [p.item]);
          p.resolve(result!);
        } catch (itemError) {
          p.reject(itemError);
        }
      }
    }
  }
}
