import fc from 'fast-check';

/**
 * An array whose shrinker can also drop any single element, not only shorten
 * from the front as fast-check's array shrinker does (it always keeps the
 * last elements). Action sequences need it: the action that matters is often
 * not the last one, and a trailing irrelevant action would otherwise stay in
 * every counterexample. Shrinking stays a pure function of the value, so a
 * seed and path still replay it exactly.
 */
class DroppableArray<T> extends fc.Arbitrary<T[]> {
  constructor(
    private readonly inner: fc.Arbitrary<T[]>,
    private readonly minLength: number,
  ) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T[]> {
    return this.inner.generate(mrng, biasFactor);
  }

  canShrinkWithoutContext(value: unknown): value is T[] {
    return this.inner.canShrinkWithoutContext(value);
  }

  shrink(value: T[], context: unknown): fc.Stream<fc.Value<T[]>> {
    const own = context !== undefined || this.inner.canShrinkWithoutContext(value);
    const innerShrinks = own ? this.inner.shrink(value, context) : fc.Stream.nil<fc.Value<T[]>>();
    return innerShrinks.join(this.drops(value));
  }

  private drops(value: T[]): fc.Stream<fc.Value<T[]>> {
    if (value.length <= this.minLength) return fc.Stream.nil();
    const last = value.length - 1;
    // Latest first: late actions are the likeliest to be noise after the failure happened.
    return fc.Stream.of(...value.map((_, i) => last - i)).map(
      (drop) => new fc.Value(value.filter((_, i) => i !== drop), undefined),
    );
  }
}

export function droppableArray<T>(item: fc.Arbitrary<T>, constraints: { minLength: number; maxLength: number }): fc.Arbitrary<T[]> {
  return new DroppableArray(fc.array(item, { ...constraints, size: 'max' }), constraints.minLength);
}
