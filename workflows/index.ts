export { ticketWorkflow } from './ticket-workflow';
