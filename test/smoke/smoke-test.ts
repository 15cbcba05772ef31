import { it } from 'vitest';
import type { SmokeScenario } from '../../src/testing/smoke-scenarios.js';

/** One vitest case per scenario, printing its measurements for the report. */
export function smokeTest(scenario: SmokeScenario): void {
  it(`${scenario.id}: ${scenario.title}`, async () => {
    const outcome = await scenario.run();
    console.log(`${scenario.id}: ${outcome.summary}`);
  });
}
