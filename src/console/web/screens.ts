import { defineAsyncComponent, type Component } from 'vue'
import type { Me } from './api'

export interface Screen { key: string; label: string; component: Component }

// Each screen is its own chunk: an agent never downloads the office's screens.
const lazy = (load: () => Promise<{ default: Component }>) => defineAsyncComponent(load)
const AgentDesk = lazy(() => import('./screens/AgentDesk.vue'))
const TicketInbox = lazy(() => import('./screens/TicketInbox.vue'))
const EntriesScreen = lazy(() => import('./screens/EntriesScreen.vue'))
const ReviewQueue = lazy(() => import('./screens/ReviewQueue.vue'))
const LedgerScreen = lazy(() => import('./screens/LedgerScreen.vue'))
const StatsScreen = lazy(() => import('./screens/StatsScreen.vue'))
const CalendarScreen = lazy(() => import('./screens/CalendarScreen.vue'))
const SettingsScreen = lazy(() => import('./screens/SettingsScreen.vue'))
const SheetsScreen = lazy(() => import('./screens/SheetsScreen.vue'))

/** The screens each role sees, in menu order. The service enforces the same limits on every call. */
export function screensFor(role: Me['role']): Screen[] {
  const all: Record<Me['role'], Screen[]> = {
    agent: [
      { key: 'agent', label: '咨询受理', component: AgentDesk },
      { key: 'tickets', label: '工单跟踪', component: TicketInbox },
    ],
    unit: [
      { key: 'inbox', label: '待办工单', component: TicketInbox },
      { key: 'entries', label: '本单位条目', component: EntriesScreen },
      { key: 'sheets', label: '表格导入导出', component: SheetsScreen },
      { key: 'ledger', label: '本单位台账', component: LedgerScreen },
    ],
    reviewer: [{ key: 'reviews', label: '审核队列', component: ReviewQueue }],
    admin: [
      { key: 'ledger', label: '登记台账', component: LedgerScreen },
      { key: 'tickets', label: '工单办理', component: TicketInbox },
      { key: 'stats', label: '统计分析', component: StatsScreen },
      { key: 'entries', label: '问答条目', component: EntriesScreen },
      { key: 'sheets', label: '表格导入导出', component: SheetsScreen },
      { key: 'reviews', label: '审核', component: ReviewQueue },
      { key: 'calendar', label: '工作日历', component: CalendarScreen },
      { key: 'settings', label: '基础设置', component: SettingsScreen },
    ],
    integration: [],
  }
  return all[role]
}
