// The console loads like every signed-in page; this boundary sits below the admin check.
export { default } from "../../(app)/loading";
