// piscina's task function: one line, or a batch of lines when given an array.
import { square } from './fns.mjs';

export default (task) => (Array.isArray(task) ? task.map(square) : square(task));
