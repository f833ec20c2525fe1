import { createInstance } from 'i18next';
import { renderToString } from 'react-dom/server';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { resources } from '../../locales/index.js';
import { i18nConfig } from '../../app/i18n.js';
import { DeliveryTable } from '../../app/components/integrations/delivery-table.js';
import { ManualCheckBadge } from '../../app/components/integrations/manual-check-badge.js';
import type { DeliveryView } from '../../services/notifications/deliveries.js';

async function render(node: React.ReactNode, lng: 'zh-CN' | 'en') {
  const i18n = createInstance();
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng, resources });
  return renderToString(<I18nextProvider i18n={i18n}>{node}</I18nextProvider>);
}

const dead: DeliveryView = {
  id: 'm1',
  template: 'receipt',
  channel: 'sms',
  status: 'dead',
  attempts: 6,
  createdAt: '2026-11-23T02:00:00.000Z',
  nextAttemptAt: null,
  sentAt: null,
  lastError: 'integration.unavailable',
};

describe('delivery status on the desk', () => {
  it('shows a dead letter with its attempts and the localized failure, in both languages', async () => {
    const en = await render(<DeliveryTable deliveries={[dead]} locale="en" />, 'en');
    expect(en).toContain('Failed (no more retries)');
    expect(en).toContain('Receipt');
    expect(en).toContain('try again later');
    expect(en).toContain('<th scope="row">');
    const zh = await render(<DeliveryTable deliveries={[dead]} locale="zh-CN" />, 'zh-CN');
    expect(zh).toContain('发送失败（已停止重试）');
    expect(zh).toContain('受理回执');
  });

  it('says so when there are none', async () => {
    expect(await render(<DeliveryTable deliveries={[]} locale="en" />, 'en')).toContain('No notifications yet.');
  });

  it('the manual-check badge names the reason, and renders nothing without one', async () => {
    const html = await render(<ManualCheckBadge reason="controlsHit" />, 'en');
    expect(html).toContain('Manual check');
    expect(html).toContain('exit-entry controls answered a hit');
    expect(await render(<ManualCheckBadge reason={null} />, 'en')).toBe('');
  });
});
