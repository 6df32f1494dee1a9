import type { Component } from 'vue'
import type { Me } from './api'
import Placeholder from './screens/Placeholder.vue'

export interface Screen { key: string; label: string; component: Component }

/** The screens each role sees, in menu order. */
export function screensFor(role: Me['role']): Screen[] {
  const all: Record<Me['role'], Screen[]> = {
    agent: [{ key: 'agent', label: '咨询受理', component: Placeholder }],
    unit: [{ key: 'inbox', label: '待办工单', component: Placeholder }],
    reviewer: [{ key: 'reviews', label: '审核队列', component: Placeholder }],
    admin: [{ key: 'ledger', label: '登记台账', component: Placeholder }],
    integration: [],
  }
  return all[role]
}
