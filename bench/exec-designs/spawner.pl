# Design (d): one perl spawner for all slots: forks each job into its own process group (setpgrp), reports "id status".
# A self-pipe wakes select() on SIGCHLD, so a child that ends just before select() is never missed.
use strict; use POSIX ();
my $d = shift; $| = 1;
my %id_of; my $buf = ''; my $eof = 0;
pipe(my $wake_r, my $wake_w) or die; my $old = select($wake_w); $| = 1; select($old);
$SIG{CHLD} = sub { syswrite($wake_w, "x") };
sub reap { while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) { my $id = delete $id_of{$pid}; print "$id $?\n"; } }
while (!$eof || %id_of) {
  reap();
  my $rin = ''; vec($rin, fileno($wake_r), 1) = 1; vec($rin, 0, 1) = 1 unless $eof;
  my $n = select(my $rout = $rin, undef, undef, undef);
  next if $n <= 0;
  if (vec($rout, fileno($wake_r), 1)) { sysread($wake_r, my $junk, 4096); }
  next unless vec($rout, 0, 1);
  my $got = sysread(STDIN, $buf, 65536, length $buf);
  if (!$got) { $eof = 1; next; }
  while ((my $nl = index($buf, "\n")) >= 0) {
    my $l = substr($buf, 0, $nl + 1, ''); chomp $l;
    my ($id, $cmd) = split /\t/, $l, 2;
    my $pid = fork();
    if ($pid == 0) {
      $SIG{CHLD} = 'DEFAULT'; setpgrp(0, 0);
      open STDIN, '<', '/dev/null'; open STDOUT, '>', "$d/$id.o"; open STDERR, '>', "$d/$id.e";
      exec '/bin/sh', '-c', $cmd or POSIX::_exit(127);
    }
    $id_of{$pid} = $id;
  }
}
