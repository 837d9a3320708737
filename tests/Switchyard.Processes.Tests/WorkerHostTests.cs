using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using Switchyard.Processes.Protocol;
using Switchyard.Processes.Tests.Support;
using Switchyard.Processes.Work;
using Switchyard.Processes.Workers;
using Switchyard.Testing;

namespace Switchyard.Processes.Tests;

/// <summary>The generic worker host, driven over its socket the way the pool drives it.</summary>
public sealed class WorkerHostTests
{
    [Fact]
    public async Task A_worker_exits_when_its_pool_goes_away_even_in_the_middle_of_an_item()
    {
        var path = Path.Combine(Path.GetTempPath(), $"syd-test-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var start = new ProcessStartInfo(DotnetHost.Path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "switchyard-worker.dll"));
        start.ArgumentList.Add(WireJson.SocketArgument);
        start.ArgumentList.Add(path);
        using var worker = Process.Start(start)!;
        try
        {
            using (var connection = await listener.AcceptAsync().Within())
            {
                await using var stream = new NetworkStream(connection);
                var body = new byte[4096];
                var hello = await FrameIO.ReadAsync(stream, new byte[5], _ => body, CancellationToken.None).AsTask().Within();
                Assert.Equal(FrameKind.Hello, hello?.Kind);
                Assert.Equal(worker.Id, FrameIO.ReadJson<HelloMessage>(body.AsSpan(0, hello!.Value.Length)).Pid);

                var frame = new ArrayBufferWriter<byte>();
                var init = FrameIO.Begin(frame, FrameKind.Init);
                FrameIO.WriteJson(frame, new InitMessage(null, FlushEachItem: true));
                FrameIO.End(frame, init);
                var define = FrameIO.Begin(frame, FrameKind.Define);
                FrameIO.WriteInt(frame, 1);
                Func<int, int> hang = Remote.Hang;
                FrameIO.WriteJson(frame, WorkIdentity.Of(hang, "hang"));
                FrameIO.End(frame, define);
                var run = FrameIO.Begin(frame, FrameKind.Run);
                FrameIO.WriteInt(frame, 1);
                FrameIO.WriteInt(frame, 1);
                FrameIO.WriteInt(frame, 1);
                FrameIO.WriteInt(frame, 1);
                frame.Write("0"u8);
                FrameIO.End(frame, run);
                await stream.WriteAsync(frame.WrittenMemory);
                var ready = await FrameIO.ReadAsync(stream, new byte[5], _ => body, CancellationToken.None).AsTask().Within();
                Assert.Equal(FrameKind.Ready, ready?.Kind);
                Assert.False(worker.HasExited);
            } // the pool's end of the connection closes, as when the pool's process dies

            await worker.WaitForExitAsync().Within();
            Assert.Equal(0, worker.ExitCode);
        }
        finally
        {
            if (!worker.HasExited) worker.Kill();
            File.Delete(path);
        }
    }

    [Fact]
    public async Task The_worker_host_path_can_be_given_explicitly()
    {
        var host = Path.Combine(AppContext.BaseDirectory, "switchyard-worker.dll");
        await using var lane = ProcessLane.Create(new ProcessLaneOptions { Workers = 1, WorkerOutput = TextWriter.Null, WorkerHostPath = host });
        Assert.Equal(25, await lane.SubmitAsync(Remote.Square, 5).Within());
    }

    [Fact]
    public async Task Started_by_hand_without_a_socket_the_host_explains_itself()
    {
        var start = new ProcessStartInfo(DotnetHost.Path) { UseShellExecute = false, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "switchyard-worker.dll"));
        using var worker = Process.Start(start)!;
        var error = await worker.StandardError.ReadToEndAsync().Within();
        await worker.WaitForExitAsync().Within();
        Assert.Equal(2, worker.ExitCode);
        Assert.Contains(WireJson.SocketArgument, error, StringComparison.Ordinal);
    }
}
