import { controlsHandlers } from './exit-entry-controls.js';
import { eLicenceHandlers } from './e-licence.js';
import { courierHandlers } from './courier.js';
import { gatewayHandlers } from './gateways.js';
import { paymentPlatformHandlers } from './payment-platform.js';
import { registryHandlers } from './population-registry.js';
import { vehicleHandlers } from './vehicle-records.js';

/** Every simulated system, answering from tests/mocks/data.ts. */
export const handlers = [...registryHandlers, ...vehicleHandlers, ...controlsHandlers, ...gatewayHandlers, ...eLicenceHandlers, ...courierHandlers, ...paymentPlatformHandlers];
