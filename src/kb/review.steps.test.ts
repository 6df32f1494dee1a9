import { describe, expect, it } from 'vitest'
import { afterApproval } from './review.steps.ts'

describe('afterApproval', () => {
  it('moves to the next step until the last one, which publishes', () => {
    expect(afterApproval(0, 3)).toEqual({ publish: false, nextStep: 1 })
    expect(afterApproval(2, 3)).toEqual({ publish: true })
    expect(afterApproval(0, 1)).toEqual({ publish: true })
  })
})
