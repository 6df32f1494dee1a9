// Token administration from the command line, for the first admin and for emergencies:
//   npm run token -- create --role unit --unit rsj [--name 人社局政策解读专员]
//   npm run token -- create --role reviewer --review-step 0
//   npm run token -- list
//   npm run token -- revoke 12
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import { domainErrorExit, withDatabase } from './cli.ts'
import { createAuthService, type AuthService } from '../src/auth/auth.service.ts'
import { ROLES, type Role } from '../src/auth/auth.types.ts'
import { createAuditService, type AuditService } from '../src/audit/audit.service.ts'

const USAGE = `用法：
  npm run token -- create --role <${ROLES.join('|')}> [--unit <单位代码>] [--review-step <审核环节序号>] [--name <名称>]
  npm run token -- list
  npm run token -- revoke <令牌编号>`

const ROLE_NAMES: Record<Role, string> = { admin: '管理员', agent: '坐席', unit: '单位', reviewer: '审核人', integration: '接入系统' }

export interface TokenCliDeps {
  auth: AuthService
  audit: AuditService
  out: (line: string) => void
  err: (line: string) => void
}

/** Runs one command; returns the process exit code. */
export async function runTokenCommand(argv: string[], { auth, audit, out, err }: TokenCliDeps): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { role: { type: 'string' }, unit: { type: 'string' }, 'review-step': { type: 'string' }, name: { type: 'string' } },
    })
  } catch (e) {
    err(`${(e as Error).message}\n${USAGE}`)
    return 64 // EX_USAGE
  }
  const [command, ...rest] = parsed.positionals
  const v = parsed.values
  try {
    switch (command) {
      case 'create': {
        const role = v.role as Role | undefined
        if (!role || !ROLES.includes(role)) { err(`--role 应为 ${ROLES.join('、')} 之一\n${USAGE}`); return 64 }
        const reviewStep = v['review-step'] === undefined ? undefined : Number(v['review-step'])
        if (reviewStep !== undefined && !Number.isInteger(reviewStep)) { err('--review-step 应为整数'); return 64 }
        const name = v.name?.trim() || `${ROLE_NAMES[role]}${v.unit ? `（${v.unit}）` : ''}（命令行签发）`
        const token = await auth.createToken({ name, role, unitCode: v.unit, reviewStep })
        await audit.record({ actor: null, action: 'createToken', targetType: 'token', targetIds: [token.id], details: { via: 'cli', role } })
        out(`已签发令牌 #${token.id}（${token.name}，角色 ${role}${token.unit ? `，单位 ${token.unit.name}` : ''}${token.reviewStepName ? `，审核环节 ${token.reviewStepName}` : ''}）`)
        out('令牌明文只显示这一次，请妥善保存：')
        out(token.token)
        return 0
      }
      case 'list': {
        const tokens = await auth.listTokens()
        if (tokens.length === 0) out('（没有令牌）')
        for (const t of tokens) {
          const scope = t.unit ? ` 单位=${t.unit.code}` : t.reviewStepName ? ` 审核环节=${t.reviewStepName}` : ''
          const state = t.revokedAt ? `已吊销 ${t.revokedAt}` : `最近使用 ${t.lastUsedAt ?? '从未'}`
          out(`#${t.id}\t${t.prefix}…\t${t.role}${scope}\t${t.name}\t创建 ${t.createdAt}\t${state}`)
        }
        return 0
      }
      case 'revoke': {
        const id = Number(rest[0])
        if (!Number.isInteger(id) || id < 1) { err(`请给出要吊销的令牌编号\n${USAGE}`); return 64 }
        const token = await auth.revokeToken(id)
        await audit.record({ actor: null, action: 'revokeToken', targetType: 'token', targetIds: [id], details: { via: 'cli' } })
        out(`已吊销令牌 #${token.id}（${token.name}）`)
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
  await withDatabase(({ config, db }) => runTokenCommand(process.argv.slice(2), {
    auth: createAuthService({ db, reviewSteps: config.reviewSteps }),
    audit: createAuditService({ db }),
    out: (l) => console.log(l),
    err: (l) => console.error(l),
  }))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
