import { HttpRoutes } from "../../../local/host/functions/httpRoutes";
import { parseRouteTemplate, RouteTemplateError } from "../../../local/host/functions/routeTemplate";
import type { RegisteredFunction } from "../../../local/host/types";

const params = (template: string, path: string) => parseRouteTemplate(template).match(path)?.params;

describe("route templates", () => {
  test("literals match case-insensitively and parameters capture decoded segments", () => {
    expect(params("machines/{name}", "/Machines/web%2001")).toEqual({ name: "web 01" });
    expect(params("machines/{name}", "/machines/web-01/")).toEqual({ name: "web-01" });
    expect(params("machines/{name}", "/machines")).toBeUndefined();
    expect(params("machines/{name}", "/machines/a/b")).toBeUndefined();
  });

  test("optional parameters and defaults may be left out", () => {
    expect(params("users/{id}/{tab?}", "/users/7")).toEqual({ id: "7" });
    expect(params("users/{id}/{tab?}", "/users/7/settings")).toEqual({ id: "7", tab: "settings" });
    expect(params("reports/{kind=daily}", "/reports")).toEqual({ kind: "daily" });
    expect(params("reports/{kind=daily}", "/reports/weekly")).toEqual({ kind: "weekly" });
  });

  test("a catch-all takes the rest of the path, slashes included", () => {
    expect(params("files/{*path}", "/files/a/b/c.txt")).toEqual({ path: "a/b/c.txt" });
    expect(params("files/{*path}", "/files")).toEqual({});
  });

  test("constraints reject values that do not fit", () => {
    expect(params("users/{id:int}", "/users/42")).toEqual({ id: "42" });
    expect(params("users/{id:int}", "/users/abc")).toBeUndefined();
    expect(params("users/{id:int}", "/users/99999999999")).toBeUndefined();
    expect(params("items/{id:int:min(1)}", "/items/0")).toBeUndefined();
    expect(params("items/{id:range(1,5)}", "/items/5")).toEqual({ id: "5" });
    expect(params("items/{id:guid}", "/items/0f8fad5b-d9cb-469f-a165-70867728950e")).toBeDefined();
    expect(params("items/{id:guid}", "/items/nope")).toBeUndefined();
    expect(params("items/{flag:bool}", "/items/TRUE")).toEqual({ flag: "TRUE" });
    expect(params("items/{name:alpha:maxlength(3)}", "/items/abcd")).toBeUndefined();
    expect(params("items/{code:regex(^[a-z]{{2}}\\d$)}", "/items/ab1")).toEqual({ code: "ab1" });
    expect(params("items/{code:regex(^[a-z]{{2}}\\d$)}", "/items/abc1")).toBeUndefined();
  });

  test("several parameters in one segment split at the literal text", () => {
    expect(params("download/{name}.{ext}", "/download/report.final.pdf")).toEqual({
      name: "report.final",
      ext: "pdf",
    });
  });

  test("an empty template matches the prefix itself", () => {
    expect(params("", "")).toEqual({});
    expect(params("", "/")).toEqual({});
    expect(params("", "/x")).toBeUndefined();
  });

  test.each([
    ["files/{*path}/more", /catch-all/],
    ["a/{b?}/c", /optional/],
    ["a/{b}{c}", /separated/],
    ["a/{b:nonsense}", /unknown constraint/],
    ["a/{b", /unclosed/],
    ["a/{b}/{B}", /twice/],
  ])("the invalid template %s is refused", (template, message) => {
    expect(() => parseRouteTemplate(template)).toThrow(RouteTemplateError);
    expect(() => parseRouteTemplate(template)).toThrow(message);
  });
});

describe("the route table", () => {
  const httpFunction = (name: string, trigger: Record<string, unknown>): RegisteredFunction => ({
    name,
    triggerName: "req",
    trigger: { type: "httpTrigger", direction: "in", ...trigger },
    bindings: { req: { type: "httpTrigger", direction: "in", ...trigger } },
  });

  test("a literal route wins over a parameter whatever the registration order", () => {
    const routes = new HttpRoutes([
      httpFunction("ById", { route: "users/{id}", methods: ["GET"] }),
      httpFunction("Me", { route: "users/me", methods: ["GET"] }),
    ]);
    expect(routes.lookup("GET", "/users/me")).toMatchObject({
      kind: "matched",
      route: { functionName: "Me" },
    });
    expect(routes.lookup("GET", "/users/7")).toMatchObject({ kind: "matched", params: { id: "7" } });
  });

  test("the route defaults to the function name and methods filter", () => {
    const routes = new HttpRoutes([httpFunction("Ping", { methods: ["GET"] })]);
    expect(routes.lookup("get", "/ping")).toMatchObject({ kind: "matched" });
    expect(routes.lookup("POST", "/ping")).toEqual({ kind: "methodNotAllowed", allowed: ["GET"] });
    expect(routes.lookup("GET", "/pong")).toEqual({ kind: "notFound" });
  });

  test("a function without methods accepts any method", () => {
    const routes = new HttpRoutes([httpFunction("Any", { route: "any" })]);
    expect(routes.lookup("PATCH", "/any")).toMatchObject({ kind: "matched" });
  });

  test("an invalid template names its function", () => {
    expect(() => new HttpRoutes([httpFunction("Bad", { route: "x/{y" })])).toThrow(/Function 'Bad'/);
  });
});
