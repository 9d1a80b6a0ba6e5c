// consumer-1: a member of the group on a slow machine. Whatever partition it gets falls behind:
// watch that partition's lag grow in lag-monitor while the other members keep up.
import { member } from './group-member.ts';

export default (broker: URL, env: SandboxEnv) =>
  member(broker, 'consumer-1', env.params.slowConsumerMs ?? 250);
