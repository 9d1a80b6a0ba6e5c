// One way to pass "Give every job a deadline": a job still transcoding after DEADLINE_MS fails.
// The back end of the video API: a bounded queue in front of one transcoder. A job waits in line,
// is transcoded (which takes `ms`), and leaves the queue when it is done, failed or cancelled.
const DEADLINE_MS = 1500;

export interface Job {
  id: number;
  title: string;
  ms: number;
  status: 'queued' | 'transcoding' | 'done' | 'failed' | 'cancelled';
  error?: string;
  startedAt?: number;
  timer?: ReturnType<typeof setTimeout>;
}

/** A fresh transcoder (each server run gets its own, so job ids start at 1 again). */
export function createTranscoder(limit: number) {
  const jobs = new Map<number, Job>();
  const queue: Job[] = []; // the job being transcoded first, then the ones waiting
  let nextId = 1;

  // One line per change, e.g. "queue ███░ 3/4": the depth the server watches.
  const gauge = () =>
    `queue ${'█'.repeat(queue.length)}${'░'.repeat(limit - queue.length)} ${queue.length}/${limit}`;

  // The worker: take the job at the head of the line, if it is not already running.
  const work = (): void => {
    const job = queue[0];
    if (!job || job.status !== 'queued') return;
    job.status = 'transcoding';
    job.startedAt = Date.now();
    // The deadline: a job that overruns it is stopped and marked failed, so pollers hear about it.
    const overdue = job.ms > DEADLINE_MS;
    job.timer = setTimeout(
      () => {
        job.status = overdue ? 'failed' : 'done';
        if (overdue) job.error = `still transcoding after ${DEADLINE_MS} ms: gave up`;
        queue.shift();
        console.log(
          `${gauge()}  job ${job.id} ${job.status} after ${Math.min(job.ms, DEADLINE_MS)} ms`,
        );
        work();
      },
      Math.min(job.ms, DEADLINE_MS),
    );
  };

  return {
    jobs,
    gauge,
    isFull: () => queue.length >= limit,
    add(title: string, ms: number): Job {
      const job: Job = { id: nextId++, title, ms, status: 'queued' };
      jobs.set(job.id, job);
      queue.push(job);
      console.log(`${gauge()}  job ${job.id} queued (${title})`);
      work();
      return job;
    },
    cancel(job: Job): void {
      clearTimeout(job.timer);
      queue.splice(queue.indexOf(job), 1);
      job.status = 'cancelled';
      console.log(`${gauge()}  job ${job.id} cancelled`);
      work();
    },
  };
}
