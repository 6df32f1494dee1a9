// Where an entry version goes through the configured review steps (G2). Pure; tested in review.steps.test.ts.

/** Where a version under review goes when the current step approves it. */
export function afterApproval(step: number, stepCount: number): { publish: true } | { publish: false; nextStep: number } {
  return step + 1 >= stepCount ? { publish: true } : { publish: false, nextStep: step + 1 }
}
