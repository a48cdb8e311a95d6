export { deriveSeed, SeededRandom } from './seeded-random';
