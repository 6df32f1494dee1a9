// The console's route table: one line per screen. To add a screen, add its component and a line here.
import { defineAsyncComponent, type Component } from 'vue'
import type { Me } from './api'
import { matchPath } from './router'

type Role = Me['role']

export interface RouteDef {
  /** The address after `#`, with `:params`. */
  path: string
  /** Menu label; per role where the same screen reads differently. Routes without a label are not in the menu. */
  label?: string | Partial<Record<Role, string>>
  /** Who sees it, in this order in the menu. The service enforces the same limits on every call. */
  roles: Role[]
  component: Component
  /** Built anew on every visit (a print view of the current filters), not kept alive. */
  fresh?: boolean
}

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
const DocumentsScreen = lazy(() => import('./screens/DocumentsScreen.vue'))
const AuditScreen = lazy(() => import('./screens/AuditScreen.vue'))
const AccountScreen = lazy(() => import('./screens/AccountScreen.vue'))
const TicketPrint = lazy(() => import('./screens/TicketPrint.vue'))
const LedgerPrint = lazy(() => import('./screens/LedgerPrint.vue'))
const IntegrationsScreen = lazy(() => import('./screens/IntegrationsScreen.vue'))
const PublicationsScreen = lazy(() => import('./screens/PublicationsScreen.vue'))
const CallbackScreen = lazy(() => import('./screens/CallbackScreen.vue'))
const PromisesScreen = lazy(() => import('./screens/PromisesScreen.vue'))
const LinksScreen = lazy(() => import('./screens/LinksScreen.vue'))
const ProposalsScreen = lazy(() => import('./screens/ProposalsScreen.vue'))
const CalibrationScreen = lazy(() => import('./screens/CalibrationScreen.vue'))
const SheetsScreen = lazy(() => import('./screens/SheetsScreen.vue'))

export const ROUTES: RouteDef[] = [
  { path: '/agent', label: '咨询受理', roles: ['agent'], component: AgentDesk },
  { path: '/ledger', label: { admin: '登记台账', unit: '本单位台账' }, roles: ['admin', 'unit'], component: LedgerScreen },
  { path: '/ledger/print', roles: ['admin', 'unit'], component: LedgerPrint, fresh: true },
  { path: '/tickets', label: { agent: '工单跟踪', unit: '待办工单', admin: '工单办理' }, roles: ['unit', 'agent', 'admin'], component: TicketInbox },
  { path: '/tickets/:id', roles: ['unit', 'agent', 'admin'], component: TicketInbox },
  { path: '/tickets/:id/print', roles: ['unit', 'agent', 'admin'], component: TicketPrint, fresh: true },
  { path: '/callbacks', label: { agent: '回访', admin: '回访评价' }, roles: ['agent', 'admin'], component: CallbackScreen },
  { path: '/promises', label: { unit: '承诺事项', admin: '承诺跟踪' }, roles: ['unit', 'admin'], component: PromisesScreen },
  { path: '/stats', label: '统计分析', roles: ['admin'], component: StatsScreen },
  { path: '/calibration', label: '答复校准', roles: ['admin'], component: CalibrationScreen },
  { path: '/entries', label: { admin: '问答条目', unit: '本单位条目' }, roles: ['unit', 'admin'], component: EntriesScreen },
  { path: '/documents', label: '政策文件', roles: ['unit', 'admin'], component: DocumentsScreen },
  { path: '/documents/:id', roles: ['unit', 'admin'], component: DocumentsScreen },
  { path: '/sheets', label: '表格导入导出', roles: ['unit', 'admin'], component: SheetsScreen },
  { path: '/links', label: '链接检查', roles: ['unit', 'admin'], component: LinksScreen },
  { path: '/proposals', label: '问法建议与起草', roles: ['unit', 'admin'], component: ProposalsScreen },
  { path: '/reviews', label: { admin: '审核', reviewer: '审核队列' }, roles: ['reviewer', 'admin'], component: ReviewQueue },
  { path: '/publications', label: '答复公开', roles: ['admin'], component: PublicationsScreen },
  { path: '/publications/:month', roles: ['admin'], component: PublicationsScreen },
  { path: '/calendar', label: '工作日历', roles: ['admin'], component: CalendarScreen },
  { path: '/integrations', label: '接入管理', roles: ['admin'], component: IntegrationsScreen },
  { path: '/audit', label: '审计日志', roles: ['admin'], component: AuditScreen },
  { path: '/settings', label: '基础设置', roles: ['admin'], component: SettingsScreen },
  { path: '/settings/:tab', roles: ['admin'], component: SettingsScreen },
  { path: '/account', roles: ['admin', 'agent', 'unit', 'reviewer'], component: AccountScreen },
]

/** Where each role lands after signing in on a bare address: its daily work. */
export const LANDING: Record<Role, string> = { agent: '/agent', unit: '/tickets', reviewer: '/reviews', admin: '/ledger', integration: '/' }

export interface MenuItem { path: string; label: string }

/** The menu of a role: its labelled routes, in table order. */
export function menuFor(role: Role): MenuItem[] {
  return ROUTES.filter((r) => r.label && r.roles.includes(role))
    .map((r) => ({ path: r.path, label: typeof r.label === 'string' ? r.label : r.label![role] ?? '' }))
}

/** The route an address shows to a role, with its params; undefined when the role may not see it. */
export function resolve(path: string, role: Role): { route: RouteDef; params: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    if (!route.roles.includes(role)) continue
    const params = matchPath(route.path, path)
    if (params) return { route, params }
  }
  return undefined
}

/** The menu entry an address belongs to: `/tickets/12` highlights 工单. */
export function menuKeyOf(path: string, role: Role): string {
  const items = menuFor(role)
  return items.find((m) => path === m.path)?.path ?? items.find((m) => path.startsWith(`${m.path}/`))?.path ?? ''
}

/** One kept-alive instance per screen: `/tickets` and `/tickets/12` share the ticket list (and its filters). */
export function screenKey(route: RouteDef, path: string, query: Record<string, string>): string {
  if (route.fresh) return `${path}?${new URLSearchParams(query)}`
  return ROUTES.find((r) => r.component === route.component)!.path
}
