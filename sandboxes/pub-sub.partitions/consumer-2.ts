// consumer-2: a member of the group `thumbnails`, 40 ms per event.
import { member } from './group-member.ts';

export default (broker: URL) => member(broker, 'consumer-2', 40);
