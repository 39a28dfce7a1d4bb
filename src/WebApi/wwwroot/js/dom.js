// Building elements without markup strings: text always goes in as text, so nothing the API returns becomes HTML.

/** An element with attributes (className, dataset and plain attributes) and children (elements or text). */
export function el(tag, attributes = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
        if (value === undefined || value === null || value === false) {
            continue;
        }
        if (name === "className") {
            element.className = value;
        } else if (name === "dataset") {
            Object.assign(element.dataset, value);
        } else {
            element.setAttribute(name, value === true ? "" : String(value));
        }
    }
    element.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
    return element;
}

/** A table cell that carries its column's name, which a phone-width layout shows beside the value. */
export function cell(label, content, className = undefined) {
    return el("td", { className, dataset: { label } }, content);
}

export function byId(id) {
    return document.getElementById(id);
}

/** A section's state line: "loading", "error" or "ready" (with an optional message; empty hides the line). */
export function setState(element, state, message = "") {
    element.dataset.state = state;
    element.textContent = message;
    element.hidden = message === "";
}

/** A definition list from [term, description] pairs; a description may be an element. */
export function definitions(pairs, className = "facts") {
    return el("dl", { className }, pairs.flatMap(([term, description]) => [el("dt", {}, term), el("dd", {}, description)]));
}
