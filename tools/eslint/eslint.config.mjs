// The status page's JavaScript: plain ES modules for the browser, no build step. Run from the repository root:
// tools/eslint/node_modules/.bin/eslint --config tools/eslint/eslint.config.mjs --max-warnings 0 src/WebApi/wwwroot/js
import js from "@eslint/js";
import globals from "globals";

export default [
    {
        ignores: ["src/WebApi/wwwroot/lib/**"],
    },
    js.configs.recommended,
    {
        files: ["src/WebApi/wwwroot/js/**/*.js"],
        languageOptions: {
            ecmaVersion: 2024,
            sourceType: "module",
            globals: globals.browser,
        },
        linterOptions: {
            reportUnusedDisableDirectives: "error",
        },
        rules: {
            eqeqeq: "error",
            curly: "error",
            "no-var": "error",
            "prefer-const": "error",
            "no-eval": "error",
            "no-implied-eval": "error",
            "no-new-func": "error",
            "no-shadow": "error",
            "no-implicit-coercion": "error",
            "no-param-reassign": "error",
            "no-unused-vars": ["error", { args: "after-used", caughtErrors: "all" }],
            "no-console": "error",
            // The page never writes markup from strings: text goes in by textContent, elements by the DOM.
            "no-restricted-properties": [
                "error",
                { property: "innerHTML", message: "build elements with the DOM and set textContent" },
                { property: "outerHTML", message: "build elements with the DOM and set textContent" },
                { object: "document", property: "write", message: "build elements with the DOM" },
            ],
            "no-restricted-syntax": [
                "error",
                { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: "build elements with the DOM" },
            ],
        },
    },
];
