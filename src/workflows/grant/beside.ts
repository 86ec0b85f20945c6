/**
 * Work that runs beside the story (records, Slack messages, alerts), counted: v2 continues a long revoke as a new run
 * only when none is in flight, so nothing is lost across the cut.
 */
export class BesideTheStory {
  private inFlight = 0;

  get idle(): boolean {
    return this.inFlight === 0;
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight += 1;
    return work.finally(() => {
      this.inFlight -= 1;
    });
  }
}
