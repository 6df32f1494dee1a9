// Accounts from the command line, for the first administrator and for a forgotten password:
//   npm run account -- reset-password admin
//   npm run account -- create --username wangli --name 王丽 --role unit --unit rsj
//   npm run account -- list
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import { domainErrorExit, withDatabase } from './cli.ts'
import { createAuthService } from '../src/auth/auth.service.ts'
import { createAccountsService, type AccountsService, type PeopleRole } from '../src/auth/accounts.service.ts'
import { createAuditService, type AuditService } from '../src/audit/audit.service.ts'

const ROLES: PeopleRole[] = ['admin', 'agent', 'unit', 'reviewer']
const USAGE = `用法：
  npm run account -- reset-password <用户名>     生成新密码（只显示一次），解除锁定
  npm run account -- create --username <用户名> --name <姓名> --role <${ROLES.join('|')}> [--unit <单位代码>] [--review-step <审核环节序号>]
  npm run account -- list`

export interface AccountCliDeps { accounts: AccountsService; audit: AuditService; out: (line: string) => void; err: (line: string) => void }

/** Runs one command; returns the process exit code. */
export async function runAccountCommand(argv: string[], { accounts, audit, out, err }: AccountCliDeps): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { username: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, unit: { type: 'string' }, 'review-step': { type: 'string' } } })
  } catch (e) {
    err(`${(e as Error).message}\n${USAGE}`)
    return 64
  }
  const [command, ...rest] = parsed.positionals
  const v = parsed.values
  try {
    switch (command) {
      case 'reset-password': {
        const found = (await accounts.list()).find((a) => a.username === rest[0]?.trim().toLowerCase())
        if (!found) { err(`没有用户名为 ${rest[0] ?? '（未给出）'} 的账号\n${USAGE}`); return 1 }
        const { password } = await accounts.resetPassword(found.id)
        await audit.record({ actor: null, action: 'resetAccountPassword', targetType: 'account', targetIds: [found.id], details: { via: 'cli' } })
        out(`已为 ${found.username}（${found.displayName}）生成新密码，只显示这一次：`)
        out(password)
        return 0
      }
      case 'create': {
        const role = v.role as PeopleRole | undefined
        if (!role || !ROLES.includes(role) || !v.username || !v.name) { err(USAGE); return 64 }
        const reviewStep = v['review-step'] === undefined ? undefined : Number(v['review-step'])
        const account = await accounts.create({ username: v.username, displayName: v.name, role, unitCode: v.unit, reviewStep })
        await audit.record({ actor: null, action: 'createAccount', targetType: 'account', targetIds: [account.id], details: { via: 'cli', role } })
        out(`已创建账号 ${account.username}（${account.displayName}，角色 ${role}${account.unit ? `，单位 ${account.unit.name}` : ''}），初始密码只显示这一次：`)
        out(account.password!)
        return 0
      }
      case 'list': {
        for (const a of await accounts.list()) {
          out(`${a.username}\t${a.displayName}\t${a.role}${a.unit ? ` 单位=${a.unit.code}` : ''}${a.reviewStepName ? ` 审核环节=${a.reviewStepName}` : ''}${a.disabled ? '\t已停用' : ''}${a.locked ? '\t已锁定' : ''}`)
        }
        return 0
      }
      default:
        err(USAGE)
        return 64
    }
  } catch (e) {
    return domainErrorExit(e, err)
  }
}

async function main() {
  await withDatabase(({ config, db }) => {
    const audit = createAuditService({ db })
    const auth = createAuthService({ db, reviewSteps: config.reviewSteps })
    return runAccountCommand(process.argv.slice(2), {
      accounts: createAccountsService({ db, auth, audit, reviewSteps: config.reviewSteps }), audit,
      out: (l) => console.log(l), err: (l) => console.error(l),
    })
  })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
