using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Switchyard.Server.Tests.Api;

namespace Switchyard.Server.Tests.Hosting;

/// <summary><c>yard serve</c> as a real child process on a free loopback port.</summary>
public sealed partial class ServeCommandTests
{
    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:(\d+))")]
    private static partial Regex Listening();

    [Fact]
    public async Task Serve_runs_an_allow_listed_shell_job_through_the_api_and_stops_on_sigterm()
    {
        var folder = Directory.CreateTempSubdirectory("switchyard-serve-").FullName;
        try
        {
            const string token = "serve-test-token";
            using var yard = YardChild.Start(new Dictionary<string, string> { ["SWITCHYARD_TOKEN"] = token },
                "serve", "--db", Path.Combine(folder, "jobs.db"), "--urls", "http://127.0.0.1:0", "--shell-allow", "/bin/echo", "--workers", "2");
            var match = Listening().Match(await yard.ReadLineAsync());
            Assert.True(match.Success, "no 'listening on' line; stderr: " + yard.Stderr);
            Assert.NotEqual("0", match.Groups[2].Value);
            Assert.Contains("kinds http,shell; token required", await yard.ReadLineAsync(), StringComparison.Ordinal);

            using var client = new HttpClient { BaseAddress = new Uri(match.Groups[1].Value) };
            using (var anonymous = await client.GetAsync(new Uri("/api/jobs", UriKind.Relative)))
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            await using var events = await EventStream.OpenAsync(client);
            using var submitted = await client.PostAsync(new Uri("/api/jobs", UriKind.Relative), new StringContent(
                """{"kind":"shell","payload":{"argv":["/bin/echo","hello from yard serve"]}}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
            var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
            while (true)
            {
                var (_, job) = await events.NextAsync();
                if (job.GetProperty("id").GetInt64() == id && job.GetProperty("state").GetString() is "succeeded" or "dead" or "retrying") break;
            }
            var done = await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/jobs/{id}", UriKind.Relative));
            Assert.Equal("succeeded", done.GetProperty("state").GetString());
            Assert.Equal("hello from yard serve\n", done.GetProperty("result").GetProperty("stdout").GetString());

            yard.Terminate();
            Assert.Equal(0, await yard.ExitCodeAsync().Within());
            Assert.Contains("yard serve: stopped", await yard.RestAsync(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://[::]:0")]
    public async Task Serve_refuses_a_non_loopback_address_without_a_token(string urls)
    {
        var folder = Directory.CreateTempSubdirectory("switchyard-serve-").FullName;
        try
        {
            using var yard = YardChild.Start(new Dictionary<string, string> { ["SWITCHYARD_TOKEN"] = "" },
                "serve", "--db", Path.Combine(folder, "jobs.db"), "--urls", urls);
            Assert.Equal(1, await yard.ExitCodeAsync().Within());
            Assert.Contains("--urls", yard.Stderr, StringComparison.Ordinal);
            Assert.Contains("needs a token", yard.Stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(folder, "jobs.db")), "nothing is opened when the address is refused");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A real <c>dotnet yard.dll</c> process, its stdout as lines.</summary>
    private sealed class YardChild : IDisposable
    {
        private readonly Process _process;
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
        private readonly StringBuilder _stderr = new();

        private YardChild(Process process) => _process = process;

        public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

        public static YardChild Start(IReadOnlyDictionary<string, string> environment, params string[] args)
        {
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "yard.dll"));
            foreach (var arg in args) start.ArgumentList.Add(arg);
            foreach (var (name, value) in environment) start.Environment[name] = value;
            var child = new YardChild(Process.Start(start)!);
            child._process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) child._lines.Writer.TryComplete();
                else child._lines.Writer.TryWrite(e.Data);
            };
            child._process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null) lock (child._stderr) child._stderr.AppendLine(e.Data);
            };
            child._process.BeginOutputReadLine();
            child._process.BeginErrorReadLine();
            return child;
        }

        public Task<string> ReadLineAsync() => _lines.Reader.ReadAsync().AsTask().Within();

        /// <summary>Every line still to come, until the process closes its output.</summary>
        public async Task<string> RestAsync()
        {
            var rest = new StringBuilder();
            await foreach (var line in _lines.Reader.ReadAllAsync()) rest.AppendLine(line);
            return rest.ToString();
        }

        /// <summary>SIGTERM, as a service manager stops it.</summary>
        public void Terminate()
        {
            using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
            kill.WaitForExit();
        }

        public async Task<int> ExitCodeAsync()
        {
            await _process.WaitForExitAsync();
            return _process.ExitCode;
        }

        public void Dispose()
        {
            try { _process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
            _process.WaitForExit();
            _process.Dispose();
        }
    }
}
