// Instance 2: the same code as app-1, and memory of its own that app-1 cannot see.
import { createApp } from './app.ts';

export default createApp('app-2');
