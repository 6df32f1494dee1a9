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
const ProposalsScreen = lazy(() => import('./screens/ProposalsScreen.vue'))
const CalibrationScreen = lazy(() => import('./screens/CalibrationScreen.vue'))
const CallbackScreen = lazy(() => import('./screens/CallbackScreen.vue'))
const PromisesScreen = lazy(() => import('./screens/PromisesScreen.vue'))
const LinksScreen = lazy(() => import('./screens/LinksScreen.vue'))

/** The screens each role sees, in menu order. The service enforces the same limits on every call. */
export function screensFor(role: Me['role']): Screen[] {
  const all: Record<Me['role'], Screen[]> = {
    agent: [
      { key: 'agent', label: '咨询受理', component: AgentDesk },
      { key: 'tickets', label: '工单跟踪', component: TicketInbox },
      { key: 'callbacks', label: '回访', component: CallbackScreen },
    ],
    unit: [
      { key: 'inbox', label: '待办工单', component: TicketInbox },
      { key: 'promises', label: '承诺事项', component: PromisesScreen },
      { key: 'entries', label: '本单位条目', component: EntriesScreen },
      { key: 'links', label: '链接检查', component: LinksScreen },
      { key: 'ledger', label: '本单位台账', component: LedgerScreen },
      { key: 'proposals', label: '问法建议与起草', component: ProposalsScreen },
    ],
    reviewer: [{ key: 'reviews', label: '审核队列', component: ReviewQueue }],
    admin: [
      { key: 'ledger', label: '登记台账', component: LedgerScreen },
      { key: 'tickets', label: '工单办理', component: TicketInbox },
      { key: 'callbacks', label: '回访评价', component: CallbackScreen },
      { key: 'promises', label: '承诺跟踪', component: PromisesScreen },
      { key: 'stats', label: '统计分析', component: StatsScreen },
      { key: 'entries', label: '问答条目', component: EntriesScreen },
      { key: 'reviews', label: '审核', component: ReviewQueue },
      { key: 'proposals', label: '问法建议与起草', component: ProposalsScreen },
      { key: 'calibration', label: '答复校准', component: CalibrationScreen },
      { key: 'links', label: '链接检查', component: LinksScreen },
      { key: 'calendar', label: '工作日历', component: CalendarScreen },
      { key: 'settings', label: '基础设置', component: SettingsScreen },
    ],
    integration: [],
  }
  return all[role]
}
