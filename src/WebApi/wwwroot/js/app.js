// The status page: loads every section from the /v1 API, and asks for an API key when the server wants one.
import { ApiError, forgetKey, storedKey, storeKey } from "./api.js";
import { assetView } from "./asset.js";
import { byId, setState } from "./dom.js";
import { driftTable } from "./drift.js";
import { runsTable } from "./runs.js";
import { loadSources } from "./sources.js";

const keyPanel = byId("key-panel");
const keyError = byId("key-error");
const keyInput = byId("key-input");
const forgetButton = byId("forget-key");
const main = byId("main");
let askingForKey = false;

/** Asks for a key (once per tab: it is kept in sessionStorage), saying why when the server refused one. */
function askForKey(message) {
    askingForKey = true;
    main.hidden = true;
    keyPanel.hidden = false;
    keyError.textContent = message;
    keyError.hidden = message === "";
    keyInput.value = "";
    keyInput.focus();
}

/** One place for a section's failure: a 401 asks for a key; anything else is written in the section's state line. */
function onError(error, stateElement) {
    if (error instanceof ApiError && error.unauthorized) {
        const hadKey = storedKey() !== null;
        forgetKey();
        forgetButton.hidden = true;
        if (!askingForKey) {
            askForKey(hadKey ? `The server refused this key (HTTP 401). ${error.problem?.title ?? ""} Enter another one.` : "");
        }
        setState(stateElement, "error", "Waiting for an API key.");
        return;
    }
    const text = error instanceof ApiError ? error.message : `The server could not be reached (${error.message}).`;
    setState(stateElement, "error", text);
}

const runs = runsTable(onError);
const drift = driftTable(onError);
const asset = assetView(onError);

async function loadAll() {
    askingForKey = false;
    keyPanel.hidden = true;
    main.hidden = false;
    forgetButton.hidden = storedKey() === null;
    const sourcesState = byId("sources-state");
    await Promise.all([
        loadSources().catch((error) => onError(error, sourcesState)),
        runs.reload(),
        drift.reload(),
        asset.reload(),
    ]);
}

byId("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = keyInput.value.trim();
    if (key === "") {
        return;
    }
    storeKey(key);
    keyInput.value = "";
    loadAll();
});

forgetButton.addEventListener("click", () => {
    forgetKey();
    forgetButton.hidden = true;
    askForKey("");
});

byId("refresh").addEventListener("click", () => loadAll());
// The charts take their colours from the stylesheet when drawn: draw again when the reader's scheme changes.
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => loadAll());

loadAll();
