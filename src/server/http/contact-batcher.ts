import type { Database } from '../db/port';
import { type ContactInput, upsertContacts } from '../repo/contacts';
import { defaultWriterOptions } from '../repo/response-writer';

interface Pending {
  workspaceId: string;
  input: ContactInput;
  resolve: (id: string) => void;
  reject: (error: unknown) => void;
}

/**
 * Upserts the contacts named in concurrent response submissions together: one transaction with
 * `upsertContacts`' fixed number of statements for everything that arrived while the previous one
 * ran, instead of a SELECT and an UPDATE committed per request. That per-request pair cost more
 * than the response insert itself (on PGlite, which has one connection, it halved the throughput). One batch at a time, so two batches never lock the same contacts in different
 * orders. A failing batch is retried item by item through `fallback`, which keeps the errors
 * (and retries) of the single-contact path.
 */
export class ContactBatcher {
  private queue: Pending[] = [];
  private busy = false;
  private lingering: NodeJS.Timeout | undefined;
  private readonly lingerMs: number;

  constructor(
    private readonly db: Database,
    private readonly fallback: (workspaceId: string, input: ContactInput) => Promise<string>,
  ) {
    this.lingerMs = defaultWriterOptions(db.kind).lingerMs;
  }

  upsert(workspaceId: string, input: ContactInput): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ workspaceId, input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.busy) return;
    if (this.lingerMs === 0) {
      this.run();
      return;
    }
    this.lingering ??= setTimeout(() => {
      this.lingering = undefined;
      this.run();
    }, this.lingerMs);
  }

  private run(): void {
    if (this.busy || this.queue.length === 0) return;
    this.busy = true;
    const batch = this.queue.splice(0, 1000);
    this.write(batch).finally(() => {
      this.busy = false;
      if (this.queue.length > 0) this.schedule();
    });
  }

  private async write(batch: Pending[]): Promise<void> {
    const byWorkspace = new Map<string, Pending[]>();
    for (const p of batch) byWorkspace.set(p.workspaceId, [...(byWorkspace.get(p.workspaceId) ?? []), p]);
    for (const [workspaceId, items] of byWorkspace) {
      try {
        const ids = await this.db.transaction((tx) =>
          upsertContacts(
            tx,
            workspaceId,
            items.map((p) => p.input),
          ),
        );
        items.forEach((p, i) => {
          p.resolve(ids[i]!);
        });
      } catch {
        for (const p of items) this.fallback(workspaceId, p.input).then(p.resolve, p.reject);
      }
    }
  }
}
