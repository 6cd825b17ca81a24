/// Debian's chromium driven headless over the DevTools protocol (a WebSocket and JSON), so browser
/// tests need no Node.js driver and never download a browser.
module HeadlessChromium

open System
open System.Diagnostics
open System.IO
open System.Net.Http
open System.Net.WebSockets
open System.Text
open System.Text.Json
open System.Threading

/// Where Debian's package puts the browser.
let executable = "/usr/bin/chromium"

/// True when the browser is installed (./test installs it as root; see tools/system-packages.sh).
let available () = File.Exists executable

/// A browser with one page, and what the page threw or logged as an error so far.
type Browser =
    {
        Process: Process
        Socket: ClientWebSocket
        Profile: string
        mutable Next: int
        Errors: ResizeArray<string>
    }

    interface IDisposable with
        member b.Dispose() =
            (try
                b.Socket.Dispose()
             with _ ->
                 ())

            (try
                if not b.Process.HasExited then
                    b.Process.Kill true
                    b.Process.WaitForExit 5000 |> ignore
             with _ ->
                 ())

            b.Process.Dispose()

            try
                Directory.Delete(b.Profile, true)
            with _ ->
                ()

let private receive (b: Browser) (timeout: TimeSpan) =
    use cts = new CancellationTokenSource(timeout)
    let buffer = Array.zeroCreate<byte>(1 <<< 16)
    use message = new MemoryStream()
    let mutable fin = false

    while not fin do
        let r =
            b.Socket.ReceiveAsync(ArraySegment buffer, cts.Token).GetAwaiter().GetResult()

        message.Write(buffer, 0, r.Count)
        fin <- r.EndOfMessage

    JsonDocument.Parse(message.ToArray())

/// Sends one DevTools command and returns its result, keeping the page's errors from the events on the way.
let call (b: Browser) (methodName: string) (parameters: obj) =
    b.Next <- b.Next + 1
    let id = b.Next

    let text =
        JsonSerializer.Serialize(
            {|
                id = id
                ``method`` = methodName
                ``params`` = parameters
            |}
        )

    b.Socket
        .SendAsync(ArraySegment(Encoding.UTF8.GetBytes text), WebSocketMessageType.Text, true, CancellationToken.None)
        .GetAwaiter()
        .GetResult()

    let rec wait () =
        let doc = receive b (TimeSpan.FromSeconds 60.0)
        let root = doc.RootElement

        match root.TryGetProperty "id" with
        | true, i when i.GetInt32() = id ->
            match root.TryGetProperty "error" with
            | true, e -> failwithf "DevTools %s failed: %s" methodName (e.GetRawText())
            | _ -> root.GetProperty("result").Clone()
        | _ ->
            match root.TryGetProperty "method" with
            | true, m when m.GetString() = "Runtime.exceptionThrown" ->
                b.Errors.Add(root.GetProperty("params").GetProperty("exceptionDetails").GetRawText())
            | true, m when m.GetString() = "Log.entryAdded" ->
                let entry = root.GetProperty("params").GetProperty("entry")

                if entry.GetProperty("level").GetString() = "error" then
                    b.Errors.Add(entry.GetProperty("text").GetString())
            | _ -> ()

            wait ()

    wait ()

/// Starts the browser headless with the flags this machine's closed network needs and a fresh
/// profile, and connects to its first page.
let launch () =
    let profile =
        Path.Combine(Path.GetTempPath(), "qd-chromium-" + Guid.NewGuid().ToString("N"))

    let info = ProcessStartInfo executable

    for a in
        [
            "--headless"
            "--no-sandbox"
            "--disable-gpu"
            "--disable-quic"
            "--no-first-run"
            "--disable-background-networking"
            "--disable-component-update"
            "--disable-sync"
            "--window-size=1400,1000"
            "--remote-debugging-port=0"
            $"--user-data-dir={profile}"
            "about:blank"
        ] do
        info.ArgumentList.Add a

    info.RedirectStandardError <- true
    info.RedirectStandardOutput <- true
    let p = Process.Start info
    p.OutputDataReceived.Add ignore
    p.BeginOutputReadLine()
    // The browser says where its DevTools endpoint is on stderr: "DevTools listening on ws://127.0.0.1:PORT/...".
    let found = new ManualResetEventSlim()
    let mutable endpoint = ""

    p.ErrorDataReceived.Add(fun e ->
        if not (isNull e.Data) && e.Data.StartsWith "DevTools listening on " then
            endpoint <- e.Data.Substring("DevTools listening on ".Length).Trim()
            found.Set())

    p.BeginErrorReadLine()

    if not (found.Wait(TimeSpan.FromSeconds 60.0)) then
        (try
            p.Kill true
         with _ ->
             ())

        failwith "chromium did not open its DevTools endpoint within 60 s"

    let port = Uri(endpoint).Port
    use http = new HttpClient()

    let pageSocket =
        let rec find attempt =
            let list =
                http.GetStringAsync($"http://127.0.0.1:{port}/json/list").GetAwaiter().GetResult()

            use doc = JsonDocument.Parse list

            let pages =
                [
                    for t in doc.RootElement.EnumerateArray() do
                        if t.GetProperty("type").GetString() = "page" then
                            t.GetProperty("webSocketDebuggerUrl").GetString()
                ]

            match pages with
            | url :: _ -> url
            | [] when attempt < 50 ->
                Thread.Sleep 100
                find (attempt + 1)
            | [] -> failwith "chromium opened no page"

        find 0

    let socket = new ClientWebSocket()
    socket.ConnectAsync(Uri pageSocket, CancellationToken.None).GetAwaiter().GetResult()

    let b =
        {
            Process = p
            Socket = socket
            Profile = profile
            Next = 0
            Errors = ResizeArray()
        }

    call b "Runtime.enable" {| |} |> ignore
    call b "Log.enable" {| |} |> ignore
    call b "Page.enable" {| |} |> ignore
    b

/// Opens `url` in the page.
let navigate (b: Browser) (url: string) =
    call b "Page.navigate" {| url = url |} |> ignore

/// The value of a JavaScript expression in the page (promises awaited), as JSON.
let evaluate (b: Browser) (expression: string) =
    let r =
        call
            b
            "Runtime.evaluate"
            {|
                expression = expression
                returnByValue = true
                awaitPromise = true
            |}

    match r.TryGetProperty "exceptionDetails" with
    | true, e -> failwithf "%s threw %s" expression (e.GetRawText())
    | _ ->
        match r.GetProperty("result").TryGetProperty "value" with
        | true, v -> v
        | _ -> JsonDocument.Parse("null").RootElement

/// Evaluates `expression` every 100 ms until `ok` holds of its value; false after `seconds`.
let waitUntil (b: Browser) (seconds: float) (expression: string) (ok: JsonElement -> bool) =
    let clock = Stopwatch.StartNew()
    let mutable result = false

    while not result && clock.Elapsed.TotalSeconds < seconds do
        // While a page loads, its script's objects may not exist yet: that counts as not yet.
        result <-
            try
                ok (evaluate b expression)
            with _ ->
                false

        if not result then
            Thread.Sleep 100

    result

/// Writes a PNG of the whole page as it is now (beyond the window when it is taller).
let screenshot (b: Browser) (path: string) =
    let size = (call b "Page.getLayoutMetrics" {| |}).GetProperty("cssContentSize")

    let r =
        call
            b
            "Page.captureScreenshot"
            {|
                format = "png"
                captureBeyondViewport = true
                clip =
                    {|
                        x = 0
                        y = 0
                        width = size.GetProperty("width").GetDouble()
                        height = size.GetProperty("height").GetDouble()
                        scale = 1
                    |}
            |}

    File.WriteAllBytes(path, Convert.FromBase64String(r.GetProperty("data").GetString()))
