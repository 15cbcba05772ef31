import fc from 'fast-check';

/**
 * Generates as `inner` does and shrinks as it does (where it can), plus to
 * the values `more` gives, before or after inner's own. `more` must be a pure
 * function of the value, so a seed and shrink path still replay exactly.
 */
class MoreShrinks<T> extends fc.Arbitrary<T> {
  constructor(
    private readonly inner: fc.Arbitrary<T>,
    private readonly more: (value: T) => T[],
    private readonly moreFirst: boolean,
  ) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    return this.inner.generate(mrng, biasFactor);
  }

  canShrinkWithoutContext(value: unknown): value is T {
    return this.inner.canShrinkWithoutContext(value);
  }

  shrink(value: T, context: unknown): fc.Stream<fc.Value<T>> {
    const own = context !== undefined || this.inner.canShrinkWithoutContext(value) ? this.inner.shrink(value, context) : fc.Stream.nil<fc.Value<T>>();
    const more = fc.Stream.of(...this.more(value)).map((shrunk) => new fc.Value(shrunk, undefined));
    return this.moreFirst ? more.join(own) : own.join(more);
  }
}

export function withMoreShrinks<T>(inner: fc.Arbitrary<T>, more: (value: T) => T[], options: { first?: boolean } = {}): fc.Arbitrary<T> {
  return new MoreShrinks(inner, more, options.first ?? false);
}
